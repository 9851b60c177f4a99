// A per-test rig for the orchestrator's session tests (not exported): a replay server and a temp session
// directory made before each test and removed after it, with the Anthropic clients pointed at the server.
import { anthropicAgentModel, anthropicDecisionModel } from "@loom/selectors";
import {
  ANTHROPIC_RULES,
  anthropicToolReply,
  lastToolResult,
  startReplayServer,
  startStrictReplayServer,
  type RecordedRequest,
  type ReplayServer,
} from "@loom/testkit";
import { afterEach, beforeEach } from "vitest";
import { tempDir } from "./test-support.js";

export interface SessionRig<S extends ReplayServer> {
  readonly server: S;
  readonly tmp: ReturnType<typeof tempDir>;
  /** The agent model (Messages API tool use) on the replay server. */
  agentModel(): ReturnType<typeof anthropicAgentModel>;
  /** The stateless judge's model on the replay server. */
  decisionModel(): ReturnType<typeof anthropicDecisionModel>;
  /** A Messages API reply calling one tool, numbered in order (ids carry `label`). */
  toolCall(name: string, input: unknown): unknown;
  /** The JSON content of the tool result the model received last in `request`. */
  // biome-ignore lint/suspicious/noExplicitAny: results are read field by field as the tools wrote them.
  lastResult(request: RecordedRequest): any;
}

function rig<S extends ReplayServer>(start: () => Promise<S>, label: string): SessionRig<S> {
  let server: S | undefined;
  let tmp: ReturnType<typeof tempDir> | undefined;
  let calls = 0;
  beforeEach(async () => {
    server = await start();
    tmp = tempDir();
  });
  afterEach(async () => {
    await server?.close();
    tmp?.cleanup();
  });
  const client = () => ({ apiKey: "k", baseURL: server!.url, model: "claude-sonnet-5-5", maxRetries: 0 });
  return {
    get server() {
      return server!;
    },
    get tmp() {
      return tmp!;
    },
    agentModel: () => anthropicAgentModel(client()),
    decisionModel: () => anthropicDecisionModel(client()),
    toolCall: (name, input) => anthropicToolReply(++calls, name, input, label),
    lastResult: (request) => lastToolResult(request),
  };
}

/** A rig on the replay server that enforces the Messages API's documented rules. */
export const strictAnthropicRig = (label = "Test") => rig(() => startStrictReplayServer(ANTHROPIC_RULES), label);

/** A rig on the plain replay server (recorded responses in order, any request accepted). */
export const replayRig = (label = "Test") => rig(() => startReplayServer(), label);
