// The default session backend: @loom/io sessions on disk, each driven by an @loom/orchestrator with its generator and selector.
import {
  configure,
  type Brief,
  type FinalResolution,
  type Generator,
  type Loom,
  type LoomEnv,
  type LoomOp,
} from "@loom/core";
import { createSession, openSession, type Session, type SessionOptions } from "@loom/io";
import { Orchestrator, type OrchestratorEvent } from "@loom/orchestrator";
import type { AgenticSelector, HumanInterface, Selector } from "@loom/selectors";
import { HttpError } from "../http/http-error.js";
import { scrub, secretValues } from "../http/scrub.js";
import { generatorForConfig } from "./generator-for-config.js";
import type { DriverEvent, SessionBackend, SessionDriver } from "./session-driver.js";
import { selectorForConfig } from "./selector-for-config.js";
import { WebHuman } from "./web-human.js";

export interface DefaultBackendOptions {
  /** The generator for a session; default: `createGenerator` of @loom/generators from the session's config. */
  generatorFor?: (loom: Loom) => Generator | Promise<Generator>;
  /** The selector that `run` uses; default: from the session's selector config (null for human sessions). */
  selectorFor?: (
    loom: Loom,
    human: HumanInterface,
  ) => Selector | AgenticSelector | null | Promise<Selector | AgenticSelector | null>;
  /** Options for every @loom/io session (fsync, compaction). */
  sessionOptions?: SessionOptions;
  env?: LoomEnv;
  /** Where API keys come from (default process.env); they stay in the server. */
  secrets?: Record<string, string | undefined>;
}

/**
 * Events carry Error objects; the wire gets their message (and hint, when the error has one), scrubbed of keys
 * and file paths. The wire name is `failure`: an SSE event named `error` is taken by the browser's EventSource
 * for a broken connection.
 */
function toWire(event: OrchestratorEvent, secrets: readonly string[]): DriverEvent {
  if (event.type === "error") {
    const hint = (event.error as { hint?: unknown }).hint;
    return {
      type: "failure",
      where: event.where,
      message: scrub(event.error.message, secrets),
      ...(typeof hint === "string" ? { hint: scrub(hint, secrets) } : {}),
    };
  }
  return { ...event } as DriverEvent;
}

/** What drives one session besides its files: built from the session's config before the files are touched. */
interface SessionParts {
  generator: Generator;
  selector: Selector | AgenticSelector | null;
  human: WebHuman;
  /** Why the configured selector cannot run here (an existing session still opens for the page). */
  whyNoRun: string | null;
}

/**
 * A new session's generator and selector must both be buildable (else nothing is written); an existing
 * session opens whatever its config says, and what cannot run here fails only when it is asked to.
 */
async function buildParts(loom: Loom, options: DefaultBackendOptions, isNew: boolean): Promise<SessionParts> {
  const generator = await (
    options.generatorFor ?? ((l: Loom) => generatorForConfig(l.config.generator, options.secrets, { strict: isNew }))
  )(loom);
  const human = new WebHuman();
  try {
    try {
      const selector = await (
        options.selectorFor ?? ((l: Loom, h: HumanInterface) => selectorForConfig(l, h, options.secrets))
      )(loom, human);
      return { generator, selector, human, whyNoRun: null };
    } catch (error) {
      if (isNew || !HttpError.isInstance(error)) throw error;
      return { generator, selector: null, human, whyNoRun: error.message };
    }
  } catch (error) {
    await generator.close?.();
    throw error;
  }
}

class OrchestratedSession implements SessionDriver {
  private readonly orch: Orchestrator;
  private readonly generator: Generator;
  private readonly selector: Selector | AgenticSelector | null;
  private readonly human: WebHuman;
  readonly whyNoRun: string | null;

  constructor(
    private readonly session: Session,
    parts: SessionParts,
    env: LoomEnv | undefined,
    private readonly secrets: readonly string[],
  ) {
    this.generator = parts.generator;
    this.selector = parts.selector;
    this.human = parts.human;
    this.whyNoRun = parts.whyNoRun;
    this.orch = new Orchestrator({
      session,
      generator: this.generator,
      human: this.human,
      ...(this.selector ? { selector: this.selector } : {}),
      ...(env ? { env } : {}),
    });
  }

  get loom(): Loom {
    return this.session.loom;
  }

  get canRun(): boolean {
    return this.selector !== null;
  }

  async generate(options: { n?: number; reroll?: boolean; signal?: AbortSignal }): Promise<void> {
    await this.orch.generate(options);
  }

  async choose(nodeId: string, reason: string): Promise<void> {
    await this.orch.choose(nodeId, { chosenBy: "human", reason });
  }

  async stop(reason: string): Promise<void> {
    await this.orch.stop(reason);
  }

  async write(text: string): Promise<void> {
    await this.orch.write(text);
  }

  async checkout(nodeId: string): Promise<void> {
    await this.orch.checkout(nodeId);
  }

  async reshape(change: (loom: Loom) => LoomOp | { op: LoomOp }): Promise<void> {
    await this.orch.reshape(change);
  }

  setBrief(brief: Brief): Promise<string[]> {
    return this.orch.setBrief(brief);
  }

  get pendingBriefChange() {
    return this.human.pendingBriefChange;
  }

  answerBriefChange(answer: { approved: boolean; note?: string }): boolean {
    return this.human.deliverApproval(answer);
  }

  async answerClarification(decisionId: string, answer: string, resolution: FinalResolution): Promise<void> {
    const decision =
      resolution.action === "choose"
        ? { action: "choose" as const, choice: resolution.chosenNodeId, reason: resolution.reason }
        : { action: "stop" as const, reason: resolution.reason };
    // A running selector waiting on this question takes the answer itself; otherwise the orchestrator records it.
    if (this.human.deliver(decisionId, { answer, decision })) return;
    await this.orch.answerClarification(decisionId, { answer, decision });
  }

  async run(options: { maxSteps?: number; signal: AbortSignal }): Promise<void> {
    await this.orch.run(options);
  }

  async setBudget(maxTokensTotal: number): Promise<void> {
    this.session.mutate((loom) => configure(loom, { ...loom.config, maxTokensTotal }));
  }

  onEvent(listener: (event: DriverEvent) => void): () => void {
    return this.orch.on((event: OrchestratorEvent) => listener(toWire(event, this.secrets)));
  }

  async close(): Promise<void> {
    this.human.cancelAll(new Error("the server is closing the session"));
    try {
      await this.session.close();
    } finally {
      await this.generator.close?.();
    }
  }
}

export function defaultBackend(options: DefaultBackendOptions = {}): SessionBackend {
  const secrets = secretValues(options.secrets ?? process.env);
  return {
    async create(dir, loom) {
      const parts = await buildParts(loom, options, true);
      let session: Session;
      try {
        session = await createSession(dir, loom, options.sessionOptions);
      } catch (error) {
        await parts.generator.close?.();
        throw error;
      }
      return new OrchestratedSession(session, parts, options.env, secrets);
    },
    async open(dir) {
      const session = await openSession(dir, options.sessionOptions);
      try {
        return new OrchestratedSession(session, await buildParts(session.loom, options, false), options.env, secrets);
      } catch (error) {
        await session.close();
        throw error;
      }
    },
  };
}
