// The default session backend: @loom/io sessions on disk, each driven by an @loom/orchestrator with its generator and selector.
import type { FinalResolution, Generator, Loom, LoomEnv } from "@loom/core";
import { createSession, openSession, type Session, type SessionOptions } from "@loom/io";
import { Orchestrator, type OrchestratorEvent } from "@loom/orchestrator";
import type { AgenticSelector, HumanInterface, Selector } from "@loom/selectors";
import { HttpError } from "../http/http-error.js";
import { generatorForConfig } from "./generator-for-config.js";
import type { DriverEvent, SessionBackend, SessionDriver } from "./session-driver.js";
import { selectorForConfig } from "./selector-for-config.js";
import { WebHuman } from "./web-human.js";

export interface DefaultBackendOptions {
  /** The generator for a session; default: `createGenerator` of @loom/generators from the session's config. */
  generatorFor?: (loom: Loom) => Generator | Promise<Generator>;
  /** The selector that `run` uses; default: from the session's selector config (null for human sessions). */
  selectorFor?: (loom: Loom, human: HumanInterface) => Selector | AgenticSelector | null | Promise<Selector | AgenticSelector | null>;
  /** Options for every @loom/io session (fsync, compaction). */
  sessionOptions?: SessionOptions;
  env?: LoomEnv;
  /** Where API keys come from (default process.env); they stay in the server. */
  secrets?: Record<string, string | undefined>;
}

/** Events carry Error objects; the wire gets their message. */
function toWire(event: OrchestratorEvent): DriverEvent {
  if (event.type === "error") return { type: "error", where: event.where, message: event.error.message };
  return { ...event } as DriverEvent;
}

class OrchestratedSession implements SessionDriver {
  private readonly orch: Orchestrator;

  constructor(
    private readonly session: Session,
    private readonly generator: Generator,
    private readonly selector: Selector | AgenticSelector | null,
    private readonly human: WebHuman,
    env: LoomEnv | undefined,
    readonly whyNoRun: string | null,
  ) {
    this.orch = new Orchestrator({
      session,
      generator,
      human,
      ...(selector ? { selector } : {}),
      ...(env ? { env } : {}),
    });
  }

  static async start(session: Session, options: DefaultBackendOptions, isNew: boolean): Promise<OrchestratedSession> {
    const generator = await (options.generatorFor ?? ((loom: Loom) => generatorForConfig(loom.config.generator, options.secrets, { strict: isNew })))(session.loom);
    const human = new WebHuman();
    try {
      let selector: Selector | AgenticSelector | null = null;
      let whyNoRun: string | null = null;
      try {
        selector = await (options.selectorFor ?? ((loom: Loom, h: HumanInterface) => selectorForConfig(loom, h, options.secrets)))(session.loom, human);
      } catch (error) {
        // An existing session still opens for the page when its selector cannot be built here; only `run` is refused, with the reason.
        if (isNew || !(error instanceof HttpError)) throw error;
        whyNoRun = error.message;
      }
      return new OrchestratedSession(session, generator, selector, human, options.env, whyNoRun);
    } catch (error) {
      await generator.close?.();
      throw error;
    }
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

  onEvent(listener: (event: DriverEvent) => void): () => void {
    return this.orch.on((event: OrchestratorEvent) => listener(toWire(event)));
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
  return {
    async create(dir, loom) {
      // Refuse a session whose generator cannot run here before anything is written.
      if (!options.generatorFor) await generatorForConfig(loom.config.generator, options.secrets, { strict: true }).close?.();
      if (!options.selectorFor) selectorForConfig(loom, new WebHuman(), options.secrets);
      const session = await createSession(dir, loom, options.sessionOptions);
      return startOrClose(session, options, true);
    },
    async open(dir) {
      const session = await openSession(dir, options.sessionOptions);
      return startOrClose(session, options, false);
    },
  };
}

async function startOrClose(session: Session, options: DefaultBackendOptions, isNew: boolean): Promise<SessionDriver> {
  try {
    return await OrchestratedSession.start(session, options, isNew);
  } catch (error) {
    await session.close();
    throw error;
  }
}
