// The session loop: generate, record candidates, select, commit, persist — owning every model call and mutation.
import {
  addCandidates,
  addHumanNode,
  answerClarification,
  checkout,
  currentTip,
  defaultEnv,
  resolveDecision,
  type ChosenBy,
  type DecisionEvent,
  type FinalResolution,
  type GenerateRequest,
  type Generator,
  type Loom,
  type LoomEnv,
  type PromptParts,
  type Scores,
} from "@loom/core";
import {
  isSelectorCommand,
  type AgentConversationState,
  type AgenticSelector,
  type ClarificationAnswer,
  type HumanInterface,
  type ModelUsage,
  type SelectionCandidate,
  type SelectionOutcome,
  type Selector,
} from "@loom/selectors";
import { createAgentTools } from "./agent-tools.js";
import { DecisionIndex } from "./decision-index.js";
import { PathTextCache } from "./path-text.js";
import type { OrchestratorEvent, OrchestratorListener, StopReason } from "./events.js";
import { OrchestratorError } from "./orchestrator-error.js";
import { PathTokenCounter } from "./path-tokens.js";
import { compactPrompt } from "./prompt-ref.js";
import type { SessionLike } from "./session-like.js";
import { UsageTracker, type PriceTable, type SessionUsage } from "./usage.js";

export interface OrchestratorOptions {
  /** A session from `@loom/io` (`createSession` / `openSession`), or `memorySession(loom)`. */
  session: SessionLike;
  generator: Generator;
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

export interface GenerateOptions {
  n?: number;
  maxTokens?: number;
  /** Add fresh candidates to the open decision at the tip instead of re-presenting the stored ones. */
  reroll?: boolean;
  signal?: AbortSignal;
}

export interface GeneratedStep {
  decisionId: string;
  parentNodeId: string;
  /** Every candidate of the decision (after a reroll: the old ones and the new). */
  candidates: SelectionCandidate[];
  reused: boolean;
}

export interface RunOptions {
  /** Decisions to make in this call (default: `config.maxSteps`, else unlimited). */
  maxSteps?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  reason: StopReason;
  steps: number;
  detail?: string;
}

/** Longest stretch run() goes without letting the event loop turn. */
const YIELD_EVERY_MS = 5;

const STATE_USAGE = "usage";
const STATE_AGENT = "agent";

const isAgentic = (s: Selector | AgenticSelector | undefined): s is AgenticSelector => !!s && "step" in s && typeof s.step === "function";

function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const list = signals.filter((s): s is AbortSignal => !!s);
  if (list.length <= 1) return list[0];
  return AbortSignal.any(list);
}

export class Orchestrator {
  readonly session: SessionLike;
  readonly generator: Generator;
  readonly selector: Selector | AgenticSelector | undefined;
  readonly human: HumanInterface | undefined;
  private readonly env: LoomEnv;
  private readonly signal: AbortSignal | undefined;
  private readonly listeners = new Set<OrchestratorListener>();
  private readonly tokens = new PathTokenCounter();
  private readonly texts = new PathTextCache();
  /** Decisions by parent and pending clarifications (kept current by this class's own mutations). */
  readonly decisions: DecisionIndex;
  private usage: UsageTracker;
  private readonly prices: PriceTable;
  private readonly usageSaveIntervalMs: number;
  private lastUsageSave = 0;
  private usageDirty = false;
  private readonly ready: Promise<void>;
  private running = false;
  private stepCount = 0;
  /** Decisions whose candidates were shown to the agent in this process (others are re-presented). */
  readonly presented = new Set<string>();
  /** Human answers to an agent's question, kept until the agent commits (decision id → answer). */
  readonly clarificationAnswers = new Map<string, string>();
  /** Set when a stop was requested where no decision was open to record it on. */
  private stopRequested: string | null = null;
  private agentNote: string | undefined;

  constructor(options: OrchestratorOptions) {
    this.session = options.session;
    this.decisions = new DecisionIndex(options.session.loom);
    this.generator = options.generator;
    this.selector = options.selector;
    this.human = options.human;
    this.env = options.env ?? defaultEnv;
    this.signal = options.signal;
    this.prices = options.prices ?? {};
    this.usage = new UsageTracker(this.prices);
    this.usageSaveIntervalMs = options.usageSaveIntervalMs ?? 2000;
    this.ready = this.load();
    // Keep an unobserved load failure from becoming an unhandled rejection; every entry point awaits it.
    this.ready.catch(() => {});
  }

  /** Create and wait until saved usage and agent conversation are loaded. */
  static async open(options: OrchestratorOptions): Promise<Orchestrator> {
    const orchestrator = new Orchestrator(options);
    await orchestrator.ready;
    return orchestrator;
  }

  private async load(): Promise<void> {
    const saved = await this.session.readState<SessionUsage>(STATE_USAGE);
    this.usage = new UsageTracker(this.prices, saved);
    if (isAgentic(this.selector)) {
      this.selector.restore(await this.session.readState<AgentConversationState>(STATE_AGENT));
    }
  }

  get loom(): Loom {
    return this.session.loom;
  }

  /** Subscribe to events; returns the unsubscribe function. */
  on(listener: OrchestratorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Alias of `on`. */
  subscribe(listener: OrchestratorListener): () => void {
    return this.on(listener);
  }

  emit(event: OrchestratorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A rendering bug in one listener must not break the session loop.
      }
    }
  }

  /** Usage so far (tokens, requests, cost where priced). */
  getUsage(): SessionUsage {
    return this.usage.snapshot();
  }

  /** Tokens on the current path (what maxTokensTotal limits). */
  pathTokens(): number {
    return this.tokens.measure(this.loom);
  }

  // ---- primitives for apps ------------------------------------------------------------------

  /**
   * Candidates at the tip. An open decision there is re-presented as stored (no model call), unless
   * `reroll` asks for more; otherwise a new decision is opened with fresh candidates.
   */
  async generate(options: GenerateOptions = {}): Promise<GeneratedStep> {
    await this.ready;
    const loom = this.loom;
    const tip = currentTip(loom);
    const open = this.decisions.openAt(tip);
    if (open && !options.reroll) {
      const step = { decisionId: open, parentNodeId: tip, candidates: this.candidatesOf(open), reused: true };
      this.emit({ type: "candidates", ...step, reroll: false });
      return step;
    }
    const pending = this.pendingAtTip();
    if (pending) {
      throw new OrchestratorError("invalid_state", `decision ${pending.id} waits for an answer to "${pending.clarificationQuestion}"; call answerClarification first`);
    }
    const g = loom.config.generator;
    const text = this.currentText();
    const prompt: string | PromptParts =
      g.promptMode === "briefed"
        ? {
            mode: "briefed",
            text,
            ...(loom.brief.fewshotExamples ? { fewshotExamples: loom.brief.fewshotExamples } : {}),
            ...(loom.brief.sectionIntent ? { sectionIntent: loom.brief.sectionIntent } : {}),
            ...(loom.brief.roughDraft ? { roughDraft: loom.brief.roughDraft } : {}),
          }
        : text;
    const existing = open ? loom.decisions[open]!.candidateNodeIds.length : 0;
    const signal = anySignal([this.signal, options.signal]);
    const request: GenerateRequest = {
      prompt,
      n: options.n ?? g.branchingFactor,
      maxTokens: options.maxTokens ?? g.segmentTokens,
      temperature: g.temperature,
      topP: g.topP,
      ...(g.logprobs > 0 ? { logprobs: g.logprobs } : {}),
      // A fixed seed would give the same candidates at every step; vary it by position and reroll.
      ...(g.seed !== null ? { seed: g.seed + loom.currentPath.length * 7919 + existing } : {}),
      ...(signal ? { signal } : {}),
    };
    let result;
    try {
      result = await this.generator.generate(request);
    } catch (error) {
      this.emit({ type: "error", error: error as Error, where: "generator" });
      throw error;
    }
    this.usage.add("generator", {
      provider: this.generator.provider,
      model: this.generator.model,
      inputTokens: result.usage.promptTokens,
      outputTokens: result.usage.completionTokens,
      requests: result.usage.requests,
    });
    this.noteUsage();
    if (result.candidates.length === 0) {
      const error = new OrchestratorError("invalid_state", `generator ${this.generator.provider}/${this.generator.model} returned no candidates`);
      this.emit({ type: "error", error, where: "generator" });
      throw error;
    }
    const meta = { ...result.meta, prompt: compactPrompt(result.meta["prompt"], text, tip) };
    const added = this.session.mutate((l) =>
      addCandidates(
        l,
        tip,
        result.candidates.map((c) => ({ text: c.text, tokens: c.tokens, stepLogprob: c.stepLogprob, meta: { ...meta, finishReason: c.finishReason } })),
        { env: this.env, ...(open ? { decisionId: open } : {}) },
      ),
    );
    this.decisions.noteDecision(added.decisionId);
    const step = { decisionId: added.decisionId, parentNodeId: tip, candidates: this.candidatesOf(added.decisionId), reused: false };
    this.emit({ type: "candidates", ...step, reroll: open !== null });
    return step;
  }

  /** Choose a candidate of an open (or clarifying) decision; the tip moves to it. */
  async choose(nodeId: string, options: { chosenBy?: ChosenBy; reason?: string; ranking?: string[]; scores?: Record<string, Scores> } = {}): Promise<DecisionEvent> {
    await this.ready;
    const node = this.loom.nodes[nodeId];
    const decisionId = node?.decisionId;
    if (!node || !decisionId) throw new OrchestratorError("invalid_state", `"${nodeId}" is not a candidate node`);
    const resolution: FinalResolution = {
      action: "choose",
      chosenNodeId: nodeId,
      chosenBy: options.chosenBy ?? "human",
      reason: options.reason ?? "",
      ranking: options.ranking ?? null,
      candidateScores: options.scores ?? {},
    };
    return this.finalize(decisionId, resolution);
  }

  /** End the session at the tip (recorded on the open decision there, when there is one). */
  async stop(reason: string, chosenBy: ChosenBy = "human"): Promise<void> {
    await this.ready;
    const open = this.decisions.openAt(currentTip(this.loom)) ?? this.pendingAtTip()?.id ?? null;
    if (open) this.finalize(open, { action: "stop", chosenBy, reason });
    else this.stopRequested = reason;
  }

  /** Append the human's own text at the tip (it joins the open decision as a candidate and is chosen). */
  async write(text: string, reason = "written by the human"): Promise<string> {
    await this.ready;
    const tip = currentTip(this.loom);
    const pending = this.pendingAtTip();
    if (pending) throw new OrchestratorError("invalid_state", `decision ${pending.id} waits for an answer to its clarification; answer it first`);
    const { nodeId, decisionId } = this.session.mutate((l) => addHumanNode(l, tip, text, this.env));
    this.decisions.noteDecision(decisionId);
    this.finalize(decisionId, { action: "choose", chosenNodeId: nodeId, chosenBy: "human", reason, ranking: null, candidateScores: {} });
    return nodeId;
  }

  /** Move the tip back one node (the abandoned step stays in the loom). */
  async back(): Promise<string> {
    await this.ready;
    const path = this.loom.currentPath;
    if (path.length < 2) throw new OrchestratorError("invalid_state", "already at the root: nothing to go back to");
    return this.checkout(path[path.length - 2]!);
  }

  /** Make `nodeId`'s root path the current path. */
  async checkout(nodeId: string): Promise<string> {
    await this.ready;
    this.session.mutate((l) => checkout(l, nodeId));
    this.stopRequested = null;
    this.agentNote = `The current text was moved to node ${nodeId} (the text now ends: ${JSON.stringify(this.currentText().slice(-200))}).`;
    this.emit({ type: "tip-changed", tipId: nodeId });
    return nodeId;
  }

  /**
   * Answer a pending clarification. With a `decision` the human decides; without one, the selector
   * decides in the light of the answer (the agent is told the answer and commits in its next step).
   */
  async answerClarification(decisionId: string, answer: string | ClarificationAnswer): Promise<DecisionEvent | null> {
    await this.ready;
    return this.applyAnswer(decisionId, answer, true);
  }

  private async applyAnswer(decisionId: string, answer: string | ClarificationAnswer, noteForAgent: boolean): Promise<DecisionEvent | null> {
    const a: ClarificationAnswer = typeof answer === "string" ? { answer } : answer;
    const decision = this.loom.decisions[decisionId];
    if (!decision || decision.action !== "clarify" || decision.humanResponse !== null) {
      throw new OrchestratorError("invalid_state", `decision ${decisionId} has no pending clarification`);
    }
    this.emit({ type: "clarification-answered", decisionId, answer: a.answer });
    if (a.decision) {
      const resolution: FinalResolution =
        a.decision.action === "choose"
          ? { action: "choose", chosenNodeId: a.decision.choice, chosenBy: "human", reason: a.decision.reason ?? a.answer, ranking: null, candidateScores: {} }
          : { action: "stop", chosenBy: "human", reason: a.decision.reason ?? a.answer };
      return this.finalize(decisionId, resolution, a.answer);
    }
    const selector = this.requireSelector();
    if (isAgentic(selector)) {
      this.clarificationAnswers.set(decisionId, a.answer);
      // An answer to the agent's own tool call reaches it as the tool's result; one given later, as a note.
      if (noteForAgent) this.agentNote = `The human answered your question "${decision.clarificationQuestion}": ${JSON.stringify(a.answer)}. Decide decision ${decisionId} now (commit_choice or stop_generation).`;
      return null;
    }
    const outcome = await this.select(selector, decisionId, { question: decision.clarificationQuestion ?? "", answer: a.answer });
    if (isSelectorCommand(outcome) || outcome.action === "clarify") {
      throw new OrchestratorError("invalid_state", `selector ${selector.kind} answered a clarification with "${outcome.action}"; expected choose or stop`);
    }
    return this.finalize(decisionId, this.toResolution(outcome, selector.chosenBy), a.answer);
  }

  // ---- the loop ---------------------------------------------------------------------------

  /** Loop until stop, maxTokensTotal, a step limit or an abort. Errors are emitted, then thrown; the session stays resumable. */
  async run(options: RunOptions = {}): Promise<RunResult> {
    await this.ready;
    if (this.running) throw new OrchestratorError("busy", "run() is already in progress on this orchestrator");
    const selector = this.requireSelector();
    this.running = true;
    const signal = anySignal([this.signal, options.signal]);
    const maxSteps = options.maxSteps ?? this.loom.config.maxSteps ?? Infinity;
    let steps = 0;
    let lastYield = performance.now();
    const finish = async (reason: StopReason, detail?: string): Promise<RunResult> => {
      await this.saveUsage(true);
      this.emit({ type: "stopped", reason, ...(detail ? { detail } : {}) });
      return { reason, steps, ...(detail ? { detail } : {}) };
    };
    try {
      for (;;) {
        // A generator that does no I/O (scripted, a local engine) keeps the loop in microtasks: timers,
        // aborts, I/O callbacks and the session's background compaction would all wait for the whole run.
        if (performance.now() - lastYield >= YIELD_EVERY_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        if (signal?.aborted) return await finish("aborted");
        const stopped = this.stoppedAtTip();
        if (stopped !== null) return await finish("selector", stopped);
        const pending = this.decisions.pending();
        if (pending && !this.clarificationAnswers.has(pending.id)) {
          if (!this.human) return await finish("awaiting-clarification", pending.id);
          await this.askHuman(pending, signal);
          continue;
        }
        if (this.pathTokens() >= this.loom.config.maxTokensTotal) return await finish("max-tokens", `${this.pathTokens()} tokens`);
        if (steps >= maxSteps) return await finish("max-steps", `${steps} steps`);
        steps++;
        this.stepCount++;
        this.emit({ type: "step-started", step: this.stepCount, parentNodeId: currentTip(this.loom) });
        if (isAgentic(selector)) {
          const outcome = await this.agentStep(selector, signal);
          if (outcome) return await finish("agent-budget", outcome);
          continue;
        }
        await this.selectorStep(selector, signal);
        await this.saveUsage(false);
      }
    } catch (error) {
      if (signal?.aborted) return await finish("aborted");
      await this.saveUsage(true).catch(() => {});
      this.emit({ type: "stopped", reason: "error", detail: (error as Error).message });
      throw error;
    } finally {
      this.running = false;
    }
  }

  private async selectorStep(selector: Selector, signal: AbortSignal | undefined): Promise<void> {
    let step = await this.generate(signal ? { signal } : {});
    for (;;) {
      const outcome = await this.select(selector, step.decisionId, undefined, signal);
      if (isSelectorCommand(outcome)) {
        if (outcome.action === "reroll") {
          step = await this.generate({ reroll: true, ...(signal ? { signal } : {}) });
          continue;
        }
        if (outcome.action === "write") await this.write(outcome.text);
        else await this.back();
        return;
      }
      if (outcome.action === "clarify") {
        const decision = this.recordClarify(step.decisionId, outcome, outcome.chosenBy ?? selector.chosenBy);
        if (this.human) await this.askHuman(decision, signal);
        return;
      }
      this.finalize(step.decisionId, this.toResolution(outcome, selector.chosenBy));
      return;
    }
  }

  /** One agent step; returns a reason when the agent's budget ends the run. */
  private async agentStep(selector: AgenticSelector, signal: AbortSignal | undefined): Promise<string | null> {
    const note = this.agentNote;
    this.agentNote = undefined;
    let outcome;
    try {
      outcome = await selector.step({
        loom: this.loom,
        tools: createAgentTools(this, signal),
        allowClarify: !!this.human,
        persist: (state) => this.session.writeState(STATE_AGENT, state),
        reportUsage: (u) => this.addSelectorUsage(u),
        ...(note ? { note } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if ((error as { code?: string }).code === "budget") return (error as Error).message;
      this.emit({ type: "error", error: error as Error, where: "selector" });
      throw error;
    }
    await this.saveUsage(false);
    if (outcome.kind === "idle") return `the agent ended its turn without a tool call: ${outcome.text.slice(0, 200)}`;
    if (outcome.kind === "turn-limit") return `the agent used ${outcome.turns} model calls without committing a choice`;
    return null;
  }

  // ---- internals shared with the agent's tools ----------------------------------------------

  requireSelector(): Selector | AgenticSelector {
    if (!this.selector) throw new OrchestratorError("configuration", "no selector: pass `selector` to the Orchestrator to use run()");
    return this.selector;
  }

  candidatesOf(decisionId: string): SelectionCandidate[] {
    const loom = this.loom;
    return loom.decisions[decisionId]!.candidateNodeIds.map((id) => {
      const n = loom.nodes[id]!;
      return { id, text: n.text, stepLogprob: n.stepLogprob };
    });
  }

  /** The text of the current path (cached; O(1) as the tip advances). */
  currentText(): string {
    return this.texts.current(this.loom);
  }

  pendingAtTip(): DecisionEvent | null {
    const pending = this.decisions.pending();
    return pending && pending.parentNodeId === currentTip(this.loom) ? pending : null;
  }

  /** The stop reason when the session was stopped at the current tip. */
  stoppedAtTip(): string | null {
    if (this.stopRequested !== null) return this.stopRequested;
    return this.decisions.stoppedAt(currentTip(this.loom));
  }

  addSelectorUsage(u: ModelUsage): void {
    this.usage.add("selector", u);
    this.noteUsage();
  }

  private noteUsage(): void {
    this.usageDirty = true;
    if (this.listeners.size) this.emit({ type: "usage", usage: this.usage.snapshot() });
  }

  private async saveUsage(force: boolean): Promise<void> {
    if (!this.usageDirty) return;
    const now = Date.now();
    if (!force && now - this.lastUsageSave < this.usageSaveIntervalMs) return;
    this.lastUsageSave = now;
    this.usageDirty = false;
    await this.session.writeState(STATE_USAGE, this.usage.snapshot());
  }

  private async select(selector: Selector, decisionId: string, clarification?: { question: string; answer: string }, signal?: AbortSignal): Promise<SelectionOutcome> {
    try {
      return await selector.select({
        loom: this.loom,
        decisionId,
        candidates: this.candidatesOf(decisionId),
        allowClarify: !!this.human && !clarification,
        reportUsage: (u) => this.addSelectorUsage(u),
        ...(clarification ? { clarification } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      this.emit({ type: "error", error: error as Error, where: "selector" });
      throw error;
    }
  }

  toResolution(outcome: Exclude<SelectionOutcome, { action: "reroll" | "write" | "back" | "clarify" }>, fallback: ChosenBy): FinalResolution {
    const chosenBy = outcome.chosenBy ?? fallback;
    return outcome.action === "choose"
      ? { action: "choose", chosenNodeId: outcome.choice, chosenBy, reason: outcome.reason, ranking: outcome.ranking ?? null, candidateScores: outcome.scores ?? {} }
      : { action: "stop", chosenBy, reason: outcome.reason };
  }

  recordClarify(decisionId: string, c: { question: string; candidatesInTension: string[]; whatHingesOnIt: string }, chosenBy: ChosenBy): DecisionEvent {
    this.session.mutate((l) =>
      resolveDecision(l, decisionId, { action: "clarify", chosenBy, question: c.question, candidatesInTension: c.candidatesInTension, whatHingesOnIt: c.whatHingesOnIt }, this.env),
    );
    this.decisions.noteDecision(decisionId);
    this.emit({ type: "clarification-asked", decisionId, question: c.question, candidatesInTension: c.candidatesInTension, whatHingesOnIt: c.whatHingesOnIt });
    return this.loom.decisions[decisionId]!;
  }

  /** Put a pending clarification to the human and resolve it with the answer. */
  async askHuman(decision: DecisionEvent, signal?: AbortSignal, fromAgentTool = false): Promise<ClarificationAnswer> {
    let answer: ClarificationAnswer;
    try {
      answer = await this.human!.answerClarification({
        loom: this.loom,
        decisionId: decision.id,
        question: decision.clarificationQuestion ?? "",
        candidatesInTension: decision.candidatesInTension ?? [],
        whatHingesOnIt: decision.whatHingesOnIt ?? "",
        candidates: this.candidatesOf(decision.id),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      this.emit({ type: "error", error: error as Error, where: "human" });
      throw error;
    }
    await this.applyAnswer(decision.id, answer, !fromAgentTool);
    return answer;
  }

  /** Resolve a decision as choose or stop (through answerClarification when it is clarifying) and emit it. */
  finalize(decisionId: string, resolution: FinalResolution, humanResponse?: string): DecisionEvent {
    const decision = this.loom.decisions[decisionId];
    if (!decision) throw new OrchestratorError("invalid_state", `no decision "${decisionId}"`);
    if (decision.action === "clarify" && decision.humanResponse === null) {
      const response = humanResponse ?? this.clarificationAnswers.get(decisionId) ?? "(decided without an answer)";
      this.session.mutate((l) => answerClarification(l, decisionId, response, resolution, this.env));
      this.clarificationAnswers.delete(decisionId);
    } else {
      this.session.mutate((l) => resolveDecision(l, decisionId, resolution, this.env));
    }
    const d = this.loom.decisions[decisionId]!;
    if (d.action === "stop") this.stopRequested = null;
    this.emit({
      type: "decision",
      decisionId,
      action: d.action!,
      chosenNodeId: d.chosenNodeId,
      chosenBy: d.chosenBy,
      reason: d.reason,
      chosenText: d.chosenNodeId ? this.loom.nodes[d.chosenNodeId]!.text : null,
      logprobGap: d.logprobGap,
    });
    return d;
  }
}
