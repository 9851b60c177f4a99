// The Orchestrator: Loom's session loop and the primitives apps drive it with; it owns every model call and mutation.
import {
  defaultEnv,
  type BriefInput,
  type ChosenBy,
  type DecisionEvent,
  type FinalResolution,
  type Generator,
  type Loom,
  type LoomOp,
  type LoomEnv,
  type Scores,
} from "@loom/core";
import type { AgenticSelector, ClarificationAnswer, HumanInterface, Selector } from "@loom/selectors";
import { AgentStepRunner } from "./agent-step.js";
import { isAgentic } from "./agentic.js";
import { applyAnswer } from "./clarifications.js";
import { EventBus } from "./event-bus.js";
import { anySignal } from "./generation-request.js";
import {
  estimateLookAhead,
  lookAhead,
  type LookAheadEstimate,
  type LookAheadResult,
  type LookAheadShape,
} from "./look-ahead.js";
import type { OrchestratorListener } from "./events.js";
import { OrchestratorError } from "./orchestrator-error.js";
import { RunLoop, type RunOptions, type RunResult } from "./run-loop.js";
import type { SessionLike } from "./session-like.js";
import { SessionSteps, type GenerateOptions, type GeneratedStep } from "./session-steps.js";
import type { PriceTable, SessionUsage } from "./usage.js";
import { UsageRecorder } from "./usage-recorder.js";

export type { GenerateOptions, GeneratedStep } from "./session-steps.js";
export type { RunOptions, RunResult } from "./run-loop.js";
export type { LookAheadEstimate, LookAheadGeneratorEstimate, LookAheadResult, LookAheadShape } from "./look-ahead.js";

export interface OrchestratorOptions {
  /** A session from `@loom/io` (`createSession` / `openSession`), or `memorySession(loom)`. */
  session: SessionLike;
  generator: Generator;
  /**
   * Generators whose candidates join every step beside `generator`'s (several models side by side), each
   * giving `n` candidates (default: the session's branching factor). Each node records its generator's model.
   */
  alongside?: { generator: Generator; n?: number }[];
  /** Needed by run(); apps that drive every step themselves may leave it out. */
  selector?: Selector | AgenticSelector;
  /** Answers clarifications (and overrides in hybrid mode). Without one, selectors are told not to clarify. */
  human?: HumanInterface;
  env?: LoomEnv;
  /** Aborts every model call of this orchestrator. */
  signal?: AbortSignal;
  /** US$ per million tokens by "provider:model" or model, for cost accounting. */
  prices?: PriceTable;
  /** Save usage to `state/usage.json` at most this often during a run (default 2,000 ms; always at the end of a run). */
  usageSaveIntervalMs?: number;
}

export interface ChooseOptions {
  chosenBy?: ChosenBy;
  reason?: string;
  ranking?: string[];
  scores?: Record<string, Scores>;
}

export class Orchestrator {
  readonly session: SessionLike;
  readonly generator: Generator;
  readonly selector: Selector | AgenticSelector | undefined;
  readonly human: HumanInterface | undefined;
  readonly #bus = new EventBus();
  readonly #usage: UsageRecorder;
  readonly #steps: SessionSteps;
  readonly #agent: AgentStepRunner | undefined;
  readonly #loop: RunLoop;
  readonly #ready: Promise<void>;
  readonly #signal: AbortSignal | undefined;

  constructor(options: OrchestratorOptions) {
    this.session = options.session;
    this.generator = options.generator;
    this.selector = options.selector;
    this.human = options.human;
    this.#signal = options.signal;
    this.#usage = new UsageRecorder(
      options.session,
      options.prices ?? {},
      options.usageSaveIntervalMs ?? 2000,
      this.#bus,
    );
    this.#steps = new SessionSteps({
      session: options.session,
      generator: options.generator,
      ...(options.alongside ? { alongside: options.alongside } : {}),
      selector: options.selector,
      human: options.human,
      env: options.env ?? defaultEnv,
      signal: options.signal,
      bus: this.#bus,
      usage: this.#usage,
    });
    this.#agent = isAgentic(options.selector) ? new AgentStepRunner(this.#steps, options.selector) : undefined;
    this.#loop = new RunLoop(this.#steps, this.#agent);
    this.#ready = Promise.all([this.#usage.load(), this.#agent?.load()]).then(() => {});
    // Keep an unobserved load failure from becoming an unhandled rejection; every entry point awaits it.
    this.#ready.catch(() => {});
  }

  /** Create and wait until saved usage and agent conversation are loaded. */
  static async open(options: OrchestratorOptions): Promise<Orchestrator> {
    const orchestrator = new Orchestrator(options);
    await orchestrator.#ready;
    return orchestrator;
  }

  get loom(): Loom {
    return this.session.loom;
  }

  /** Subscribe to events; returns the unsubscribe function. */
  on(listener: OrchestratorListener): () => void {
    return this.#bus.on(listener);
  }

  /** Alias of `on`. */
  subscribe(listener: OrchestratorListener): () => void {
    return this.on(listener);
  }

  /** Usage so far (tokens, requests, cost where priced). */
  getUsage(): SessionUsage {
    return this.#usage.snapshot();
  }

  /** Tokens on the current path (what maxTokensTotal limits). */
  pathTokens(): number {
    return this.#steps.pathTokens();
  }

  /**
   * Candidates at the tip. An open decision there is re-presented as stored (no model call), unless
   * `reroll` asks for more; otherwise a new decision is opened with fresh candidates.
   */
  async generate(options: GenerateOptions = {}): Promise<GeneratedStep> {
    await this.#ready;
    return this.#steps.generate(options);
  }

  /**
   * What a look-ahead below `nodeId` would cost, before any call: the nodes and calls it makes, estimated
   * tokens, and US$ where `prices` has the model. `paid` when a generator is a billed service or priced.
   */
  estimateExpansion(nodeId: string, shape: LookAheadShape): LookAheadEstimate {
    return estimateLookAhead(this.#steps.drawParts(), this.#usage.prices, nodeId, shape);
  }

  /**
   * Expand to depth: generate `depth` levels of `width` candidates below `nodeId` without choosing (a look-ahead
   * the writer reads). Each node's candidates are one journaled addCandidates (an open decision there is joined);
   * the tip stays. Emits `expanded` per node expanded. An abort ends it between calls, keeping what was added.
   */
  async expand(nodeId: string, shape: LookAheadShape & { signal?: AbortSignal }): Promise<LookAheadResult> {
    await this.#ready;
    const signal = anySignal([this.#signal, shape.signal]);
    return lookAhead({ ...this.#steps.drawParts(), session: this.session, env: this.#steps.env }, nodeId, {
      depth: shape.depth,
      width: shape.width,
      ...(signal ? { signal } : {}),
    });
  }

  /** Choose a candidate of an open (or clarifying) decision; the tip moves to it. */
  async choose(nodeId: string, options: ChooseOptions = {}): Promise<DecisionEvent> {
    await this.#ready;
    const decisionId = this.loom.nodes[nodeId]?.decisionId;
    if (!decisionId) throw new OrchestratorError("invalid_state", `"${nodeId}" is not a candidate node`);
    const resolution: FinalResolution = {
      action: "choose",
      chosenNodeId: nodeId,
      chosenBy: options.chosenBy ?? "human",
      reason: options.reason ?? "",
      ranking: options.ranking ?? null,
      candidateScores: options.scores ?? {},
    };
    return this.#steps.finalize(decisionId, resolution);
  }

  /** End the session at the tip (recorded on the open decision there, when there is one). */
  async stop(reason: string, chosenBy: ChosenBy = "human"): Promise<void> {
    await this.#ready;
    this.#steps.stop(reason, chosenBy);
  }

  /** Append the human's own text at the tip (it joins the open decision as a candidate and is chosen). */
  async write(text: string, reason = "written by the human"): Promise<string> {
    await this.#ready;
    return this.#steps.write(text, reason);
  }

  /** Move the tip back one node (the abandoned step stays in the loom). */
  async back(): Promise<string> {
    await this.#ready;
    return this.#steps.back();
  }

  /**
   * Replace the brief (the whole brief: merge changes into `loom.brief` first). A journaled brief version:
   * decisions resolved from now on record it, and selectors read it from their next decision on.
   * Returns the names of the fields that changed (empty when nothing did; then nothing is written).
   */
  async setBrief(brief: BriefInput): Promise<string[]> {
    await this.#ready;
    return this.#steps.setBrief(brief, "human");
  }

  /**
   * The writer's tree work: `change` runs a core op builder (splitNode, mergeNode, pruneNode, reparentNode,
   * bookmarkNode, tagNode, editNode, undo, redo…) on the loom, and its op is journaled. Emits `tree-changed`.
   */
  async reshape(change: (loom: Loom) => LoomOp | { op: LoomOp }): Promise<LoomOp> {
    await this.#ready;
    return this.#steps.reshape(change);
  }

  /** Make `nodeId`'s root path the current path. */
  async checkout(nodeId: string): Promise<string> {
    await this.#ready;
    return this.#steps.checkout(nodeId);
  }

  /**
   * Answer a pending clarification. With a `decision` the human decides; without one, the selector
   * decides in the light of the answer (the agent is told the answer and commits in its next step).
   */
  async answerClarification(decisionId: string, answer: string | ClarificationAnswer): Promise<DecisionEvent | null> {
    await this.#ready;
    return applyAnswer(this.#steps, decisionId, answer, true);
  }

  /** Loop until stop, maxTokensTotal, a step limit or an abort. Errors are emitted, then thrown; the session stays resumable. */
  async run(options: RunOptions = {}): Promise<RunResult> {
    await this.#ready;
    return this.#loop.run(options);
  }
}
