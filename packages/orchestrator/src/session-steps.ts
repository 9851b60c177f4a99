// One step and the primitives around it: candidates at the tip, resolving a decision, moving the tip, stopping.
import {
  addCandidates,
  addHumanNode,
  answerClarification,
  checkout,
  currentTip,
  openDecisionAt,
  pendingClarification,
  pieceView,
  setPieceSummary,
  resolveDecision,
  setBrief,
  BriefSchema,
  changedBriefFields,
  type BriefInput,
  type DecisionEvent,
  type FinalResolution,
  type Generator,
  type Loom,
  type LoomEnv,
  type LoomOp,
  type ChosenBy,
  type PieceView,
  type PieceViewRecord,
} from "@loom/core";
import { stopDecisionAt } from "@loom/core/internal";
import type { AgenticSelector, HumanInterface, SelectionCandidate, Selector } from "@loom/selectors";
import type { EventBus } from "./event-bus.js";
import { drawCandidates, type DrawParts, type StepSource } from "./draw-candidates.js";
import { anySignal } from "./generation-request.js";
import { OrchestratorError } from "./orchestrator-error.js";
import { PathTextCache } from "./path-text.js";
import { PathTokenCounter } from "./path-tokens.js";
import type { SessionLike } from "./session-like.js";
import type { UsageRecorder } from "./usage-recorder.js";

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

export interface SessionStepsParts {
  session: SessionLike;
  generator: Generator;
  /** Generators whose candidates join every step beside the session's generator's. */
  alongside?: readonly StepSource[];
  selector: Selector | AgenticSelector | undefined;
  human: HumanInterface | undefined;
  env: LoomEnv;
  signal: AbortSignal | undefined;
  bus: EventBus;
  usage: UsageRecorder;
}

/** The orchestrator's working state; internal to the package (the Orchestrator class is its public face). */
export class SessionSteps {
  readonly session: SessionLike;
  readonly generator: Generator;
  /** The session's generator first, then any alongside it. */
  readonly sources: readonly StepSource[];
  readonly selector: Selector | AgenticSelector | undefined;
  readonly human: HumanInterface | undefined;
  readonly env: LoomEnv;
  readonly signal: AbortSignal | undefined;
  readonly bus: EventBus;
  readonly usage: UsageRecorder;
  readonly #tokens = new PathTokenCounter();
  readonly #texts = new PathTextCache();
  /** Set when a stop was requested where no decision was open to record it on. */
  #stopRequested: string | null = null;
  /** Something the agent must be told at its next step (the tip moved, the human answered). */
  agentNote: string | undefined;
  /** Human answers to a selector's question, kept until it decides (decision id → answer). */
  readonly clarificationAnswers = new Map<string, string>();

  constructor(parts: SessionStepsParts) {
    this.session = parts.session;
    this.generator = parts.generator;
    this.sources = [{ generator: parts.generator }, ...(parts.alongside ?? [])];
    this.selector = parts.selector;
    this.human = parts.human;
    this.env = parts.env;
    this.signal = parts.signal;
    this.bus = parts.bus;
    this.usage = parts.usage;
  }

  get loom(): Loom {
    return this.session.loom;
  }

  /** Tokens on the current path (what maxTokensTotal limits). */
  pathTokens(): number {
    return this.#tokens.measure(this.loom);
  }

  /** The text of the current path (cached; O(1) as the tip advances). */
  currentText(): string {
    return this.#texts.current(this.loom);
  }

  /** What an LLM selector is shown of the piece now (core's one windowing rule, within `config.selector.viewTokens`). */
  pieceView(): PieceView {
    return pieceView(this.loom, this.currentText(), this.loom.config.selector.viewTokens);
  }

  /**
   * Replace the summary of the piece's middle (journaled, a new version). It covers through the last node before
   * the recent passage of the view now (the whole path while the piece fits the view).
   */
  setPieceSummary(text: string): { version: number; throughNodeId: string } {
    const through = this.pieceView().summarisableThrough ?? currentTip(this.loom);
    this.session.mutate((l) => setPieceSummary(l, text, through, this.env));
    return { version: this.loom.pieceSummary!.version, throughNodeId: through };
  }

  candidatesOf(decisionId: string): SelectionCandidate[] {
    const loom = this.loom;
    return loom.decisions[decisionId]!.candidateNodeIds.map((id) => {
      const n = loom.nodes[id]!;
      return { id, text: n.text, stepLogprob: n.stepLogprob };
    });
  }

  openAtTip(): string | null {
    return openDecisionAt(this.loom, currentTip(this.loom));
  }

  pendingAtTip(): DecisionEvent | null {
    const pending = pendingClarification(this.loom);
    return pending && pending.parentNodeId === currentTip(this.loom) ? pending : null;
  }

  /** The stop reason when the session was stopped at the current tip. */
  stoppedAtTip(): string | null {
    if (this.#stopRequested !== null) return this.#stopRequested;
    const d = stopDecisionAt(this.loom, currentTip(this.loom));
    return d ? (d.reason ?? "stopped") : null;
  }

  requireSelector(): Selector | AgenticSelector {
    if (!this.selector)
      throw new OrchestratorError("configuration", "no selector: pass `selector` to the Orchestrator to use run()");
    return this.selector;
  }

  /** Candidates at the tip: the open decision re-presented, or (reroll, or none open) fresh ones from the generator. */
  async generate(options: GenerateOptions = {}): Promise<GeneratedStep> {
    const loom = this.loom;
    const tip = currentTip(loom);
    const open = openDecisionAt(loom, tip);
    if (open && !options.reroll) {
      const step = { decisionId: open, parentNodeId: tip, candidates: this.candidatesOf(open), reused: true };
      this.bus.emit({ type: "candidates", ...step, reroll: false });
      return step;
    }
    const pending = this.pendingAtTip();
    if (pending) {
      throw new OrchestratorError(
        "invalid_state",
        `decision ${pending.id} waits for an answer to "${pending.clarificationQuestion}"; call answerClarification first`,
      );
    }
    const existing = open ? loom.decisions[open]!.candidateNodeIds.length : 0;
    const signal = anySignal([this.signal, options.signal]);
    const candidates = await drawCandidates(this.drawParts(), {
      path: [...loom.currentPath],
      text: this.currentText(),
      existing,
      ...(options.n !== undefined ? { n: options.n } : {}),
      ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
      ...(signal ? { signal } : {}),
    });
    // Another client may have written or checked out while the model worked: candidates for the old tip
    // would continue a text nobody is looking at any more.
    if (currentTip(loom) !== tip || openDecisionAt(loom, tip) !== open) {
      const error = new OrchestratorError(
        "invalid_state",
        `the tip moved while candidates were generated (from node ${tip} to node ${currentTip(loom)}); nothing was added — generate again`,
      );
      this.bus.emit({ type: "error", error, where: "generator" });
      throw error;
    }
    const added = this.session.mutate((l) =>
      addCandidates(l, tip, candidates, { env: this.env, ...(open ? { decisionId: open } : {}) }),
    );
    const step = {
      decisionId: added.decisionId,
      parentNodeId: tip,
      candidates: this.candidatesOf(added.decisionId),
      reused: false,
    };
    this.bus.emit({ type: "candidates", ...step, reroll: open !== null });
    return step;
  }

  /** What drawCandidates needs: the loom now, every generator of a step, where events and usage go. */
  drawParts(): DrawParts {
    return { loom: this.loom, sources: this.sources, bus: this.bus, usage: this.usage };
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
    if (d.action === "stop") this.#stopRequested = null;
    this.bus.emit({
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

  /** End the session at the tip (recorded on the open decision there, when there is one). */
  stop(reason: string, chosenBy: ChosenBy, view?: PieceViewRecord): void {
    const open = this.openAtTip() ?? this.pendingAtTip()?.id ?? null;
    if (open) this.finalize(open, { action: "stop", chosenBy, reason, ...(view ? { view } : {}) });
    else this.#stopRequested = reason;
  }

  /** Append the human's own text at the tip (it joins the open decision as a candidate and is chosen). */
  write(text: string, reason: string): string {
    const tip = currentTip(this.loom);
    const pending = this.pendingAtTip();
    if (pending)
      throw new OrchestratorError(
        "invalid_state",
        `decision ${pending.id} waits for an answer to its clarification; answer it first`,
      );
    const { nodeId, decisionId } = this.session.mutate((l) => addHumanNode(l, tip, text, this.env));
    this.finalize(decisionId, {
      action: "choose",
      chosenNodeId: nodeId,
      chosenBy: "human",
      reason,
      ranking: null,
      candidateScores: {},
    });
    return nodeId;
  }

  /**
   * Replace the brief with a new version, journaled; every decision resolved from now on records it, and
   * LLM selectors read it from their next decision. Returns the fields that changed (none: nothing is written).
   */
  setBrief(brief: BriefInput, by: "human" | "agent"): string[] {
    const next = BriefSchema.parse(brief);
    const changed = changedBriefFields(this.loom.brief, next);
    if (changed.length === 0) return [];
    this.session.mutate((l) => setBrief(l, next, this.env));
    const version = this.loom.briefVersion;
    if (by === "human")
      this.agentNote = `The human changed the brief (now version ${version}; changed: ${changed.join(", ")}). Your system prompt states the new brief.`;
    this.bus.emit({ type: "brief-changed", version, changed, by });
    return changed;
  }

  /** Make `nodeId`'s root path the current path. */
  checkout(nodeId: string): string {
    this.session.mutate((l) => checkout(l, nodeId));
    this.#stopRequested = null;
    this.agentNote = `The current text was moved to node ${nodeId} (the text now ends: ${JSON.stringify(this.currentText().slice(-200))}).`;
    this.bus.emit({ type: "tip-changed", tipId: nodeId });
    return nodeId;
  }

  /**
   * Apply the writer's tree work (a core op builder such as splitNode, pruneNode or undo) as one journaled op.
   * Texts along the path may change under the tip, so the path caches start again.
   */
  reshape(change: (loom: Loom) => LoomOp | { op: LoomOp }, by: "human" | "agent" = "human"): LoomOp {
    const done = this.session.mutate(change);
    const op = typeof done.op === "string" ? (done as LoomOp) : (done as { op: LoomOp }).op;
    this.#texts.reset();
    this.#tokens.reset();
    this.#stopRequested = null;
    const tipId = this.loom.currentPath[this.loom.currentPath.length - 1]!;
    // The agent's own hold or switch needs no telling; the human's work does.
    if (by === "human")
      this.agentNote = `The human reshaped the tree (${op.op}); the text now ends: ${JSON.stringify(this.currentText().slice(-200))}.`;
    this.bus.emit({ type: "tree-changed", op: op.op, tipId });
    return op;
  }

  /** Move the tip back one node (the abandoned step stays in the loom). */
  back(): string {
    const path = this.loom.currentPath;
    if (path.length < 2) throw new OrchestratorError("invalid_state", "already at the root: nothing to go back to");
    return this.checkout(path[path.length - 2]!);
  }
}
