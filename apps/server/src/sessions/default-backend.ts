// The default session backend: @loom/io sessions on disk, each driven by an @loom/orchestrator with its generator and selector.
import {
  configure,
  type Brief,
  type FinalResolution,
  type Generator,
  type Loom,
  type LoomEnv,
  type LoomOp,
  type PriceTable,
} from "@loom/core";
import {
  createSession,
  openSession,
  type Session,
  type SessionOptions,
  type SessionStore,
  type SharedSession,
} from "@loom/io";
import {
  Orchestrator,
  OrchestratorError,
  type LookAheadEstimate,
  type LookAheadResult,
  type LookAheadShape,
  type OrchestratorEvent,
} from "@loom/orchestrator";
import type { AgenticSelector, HumanInterface, Selector } from "@loom/selectors";
import { HttpError } from "../http/http-error.js";
import { scrub, secretValues } from "../http/scrub.js";
import { alongsideForConfig, generatorForConfig } from "./generator-for-config.js";
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
  /** Generators alongside the session's (several models in one step); default: built from `generator.alongside`. */
  alongsideFor?: (loom: Loom) => { generator: Generator; n: number }[];
  /** US$ per million tokens by "provider:model" or model, for look-ahead estimates and usage (never from a client). */
  prices?: PriceTable;
  /** Options for every @loom/io session (fsync, compaction). */
  sessionOptions?: SessionOptions;
  /**
   * Keep sessions in this store instead of the sessions directory, opened shared (PostgreSQL): other server
   * processes may serve the same sessions at once, each action a turn of the store's writer lock.
   */
  store?: SessionStore;
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
  alongside: { generator: Generator; n: number }[];
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
  const alongside: { generator: Generator; n: number }[] = [];
  try {
    alongside.push(
      ...(options.alongsideFor ?? ((l: Loom) => alongsideForConfig(l.config.generator, options.secrets, isNew)))(loom),
    );
    try {
      const selector = await (
        options.selectorFor ?? ((l: Loom, h: HumanInterface) => selectorForConfig(l, h, options.secrets))
      )(loom, human);
      return { generator, alongside, selector, human, whyNoRun: null };
    } catch (error) {
      if (isNew || !HttpError.isInstance(error)) throw error;
      return { generator, alongside, selector: null, human, whyNoRun: error.message };
    }
  } catch (error) {
    for (const g of [generator, ...alongside.map((a) => a.generator)]) await g.close?.();
    throw error;
  }
}

class OrchestratedSession implements SessionDriver {
  private readonly orch: Orchestrator;
  private readonly generator: Generator;
  private readonly alongside: { generator: Generator; n: number }[];
  private readonly selector: Selector | AgenticSelector | null;
  private readonly human: WebHuman;
  readonly whyNoRun: string | null;

  constructor(
    private readonly session: Session,
    parts: SessionParts,
    env: LoomEnv | undefined,
    private readonly secrets: readonly string[],
    prices: PriceTable | undefined,
  ) {
    this.generator = parts.generator;
    this.alongside = parts.alongside;
    this.selector = parts.selector;
    this.human = parts.human;
    this.whyNoRun = parts.whyNoRun;
    this.orch = new Orchestrator({
      session,
      generator: this.generator,
      alongside: this.alongside,
      ...(prices ? { prices } : {}),
      human: this.human,
      ...(this.selector ? { selector: this.selector } : {}),
      ...(env ? { env } : {}),
    });
  }

  get loom(): Loom {
    return this.session.loom;
  }

  private get shared(): SharedSession | null {
    return "onRemoteChange" in this.session ? (this.session as SharedSession) : null;
  }

  writerTurn<T>(action: () => Promise<T>): Promise<T> {
    const shared = this.shared;
    return shared ? shared.write(action) : action();
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

  estimateExpansion(nodeId: string, shape: LookAheadShape): LookAheadEstimate {
    return badShape(() => this.orch.estimateExpansion(nodeId, shape));
  }

  expand(nodeId: string, shape: LookAheadShape & { signal?: AbortSignal }): Promise<LookAheadResult> {
    this.estimateExpansion(nodeId, shape);
    return this.orch.expand(nodeId, shape);
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
    const off = this.orch.on((event: OrchestratorEvent) => listener(toWire(event, this.secrets)));
    // Another server process's commits: the page reads the session again, as it does after tree work.
    const offRemote = this.shared?.onRemoteChange((change) =>
      listener({ type: "tree-changed", remote: true, seq: change.seq, ops: change.ops?.map((o) => o.op) ?? null }),
    );
    return () => {
      off();
      offRemote?.();
    };
  }

  async close(): Promise<void> {
    this.human.cancelAll(new Error("the server is closing the session"));
    try {
      await this.session.close();
    } finally {
      for (const g of [this.generator, ...this.alongside.map((a) => a.generator)]) await g.close?.();
    }
  }
}

/** A look-ahead the orchestrator refuses (a node the session lacks, a depth or width out of range) as a 400/404. */
function badShape<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (!OrchestratorError.isInstance(error) || error.code !== "invalid_argument") throw error;
    const unknownNode = error.message.startsWith("no node");
    throw new HttpError(unknownNode ? 404 : 400, unknownNode ? "unknown_node" : "invalid_body", error.message, {
      field: unknownNode ? "nodeId" : /^width/.test(error.message) ? "width" : "depth",
    });
  }
}

/** Where the backend's sessions are made and opened: directories, or a store shared with other server processes. */
function sessionPlace(options: DefaultBackendOptions): {
  create(where: string, loom: Loom): Promise<Session>;
  open(where: string): Promise<Session>;
} {
  const store = options.store;
  if (!store) {
    return {
      create: (dir, loom) => createSession(dir, loom, options.sessionOptions),
      open: (dir) => openSession(dir, options.sessionOptions),
    };
  }
  if (!store.createShared || !store.openShared) {
    throw new Error(`a ${store.kind} store cannot share sessions between server processes; serve a sessions directory`);
  }
  return { create: (id, loom) => store.createShared!(id, loom), open: (id) => store.openShared!(id) };
}

export function defaultBackend(options: DefaultBackendOptions = {}): SessionBackend {
  const secrets = secretValues(options.secrets ?? process.env);
  const place = sessionPlace(options);
  return {
    ...(options.store ? { store: options.store } : {}),
    async create(dir, loom) {
      const parts = await buildParts(loom, options, true);
      let session: Session;
      try {
        session = await place.create(dir, loom);
      } catch (error) {
        for (const g of [parts.generator, ...parts.alongside.map((a) => a.generator)]) await g.close?.();
        throw error;
      }
      return new OrchestratedSession(session, parts, options.env, secrets, options.prices);
    },
    async open(dir) {
      const session = await place.open(dir);
      try {
        return new OrchestratedSession(
          session,
          await buildParts(session.loom, options, false),
          options.env,
          secrets,
          options.prices,
        );
      } catch (error) {
        await session.close();
        throw error;
      }
    },
  };
}
