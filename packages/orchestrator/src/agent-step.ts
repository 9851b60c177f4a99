// One step of an agentic selector: it drives the session through its tools until it commits, stops or runs out of budget.
import {
  SelectorError,
  type AgentConversationState,
  type AgenticSelector,
  type AgentStepOutcome,
} from "@loom/selectors";
import type { PieceViewRecord } from "@loom/core";
import type { AgentStepController } from "./agent-step-controller.js";
import { createAgentTools } from "./agent-tool-handlers.js";
import { askHuman, recordClarify } from "./clarifications.js";
import type { SessionSteps } from "./session-steps.js";

export const STATE_AGENT = "agent";

export class AgentStepRunner {
  /** Decisions whose candidates were shown to the agent in this process (others are re-presented). */
  readonly #presented = new Set<string>();
  /** What the agent was shown of the piece at the start of this step: recorded on the decision it makes. */
  #view: PieceViewRecord | undefined;

  constructor(
    private readonly steps: SessionSteps,
    private readonly selector: AgenticSelector,
  ) {}

  /** Continue the agent's conversation saved by an earlier process. */
  async load(): Promise<void> {
    this.selector.restore(await this.steps.session.readState<AgentConversationState>(STATE_AGENT));
  }

  /** Run one step; returns a reason when the agent's budget ends the run. */
  async step(signal: AbortSignal | undefined): Promise<string | null> {
    const steps = this.steps;
    const note = steps.agentNote;
    steps.agentNote = undefined;
    let outcome: AgentStepOutcome;
    const view = steps.pieceView();
    this.#view = view.record;
    try {
      outcome = await this.selector.step({
        loom: steps.loom,
        view,
        tools: createAgentTools(this.controller(), signal),
        allowClarify: !!steps.human,
        persist: (state) => steps.session.writeState(STATE_AGENT, state),
        reportUsage: (u) => steps.usage.add("selector", u),
        ...(note ? { note } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (SelectorError.isInstance(error) && error.code === "budget") return error.message;
      steps.bus.emit({ type: "error", error: error as Error, where: "selector" });
      throw error;
    }
    await steps.usage.save(false);
    if (outcome.kind === "idle") return `the agent ended its turn without a tool call: ${outcome.text.slice(0, 200)}`;
    if (outcome.kind === "turn-limit") return `the agent used ${outcome.turns} model calls without committing a choice`;
    return null;
  }

  private controller(): AgentStepController {
    const steps = this.steps;
    const presented = this.#presented;
    const pendingAtTip = () => {
      const decision = steps.pendingAtTip();
      return decision ? { decision, answered: steps.clarificationAnswers.has(decision.id) } : null;
    };
    return {
      get loom() {
        return steps.loom;
      },
      canAskHuman: !!steps.human,
      pathTokens: () => steps.pathTokens(),
      currentText: () => steps.currentText(),
      pendingAtTip,
      actionable: () => {
        const open = steps.openAtTip();
        if (open) return steps.loom.decisions[open]!;
        const pending = pendingAtTip();
        return pending?.answered ? pending.decision : null;
      },
      moveTo: (nodeId) => void steps.checkout(nodeId),
      candidates: async (options) => {
        const open = steps.openAtTip();
        // Stored candidates the agent has not seen (a resumed session) are re-presented, not paid for again.
        const step = await steps.generate({ ...options, reroll: open !== null && presented.has(open) });
        presented.add(step.decisionId);
        return step;
      },
      commit: (decisionId, resolution) =>
        steps.finalize(decisionId, this.#view ? { ...resolution, view: this.#view } : resolution),
      ask: (decisionId, question, signal) =>
        askHuman(steps, recordClarify(steps, decisionId, question, "selector_llm", this.#view), signal, true),
      stop: (reason) => steps.stop(reason, "selector_llm", this.#view),
      summarize: (text) => steps.setPieceSummary(text),
      paths: (change) => void steps.reshape(change, "agent"),
      proposeBrief: (proposed, changed, reason, signal) => {
        const approve = steps.human?.approveBriefChange?.bind(steps.human);
        if (!approve) return null;
        return (async () => {
          steps.bus.emit({ type: "brief-change-proposed", changed, proposed, reason });
          const answer = await approve({
            loom: steps.loom,
            current: steps.loom.brief,
            proposed,
            changed,
            reason,
            ...(signal ? { signal } : {}),
          });
          steps.bus.emit({ type: "brief-change-answered", approved: answer.approved, note: answer.note ?? null });
          if (answer.approved) steps.setBrief(proposed, "agent");
          return { ...answer, version: steps.loom.briefVersion };
        })();
      },
    };
  }
}
