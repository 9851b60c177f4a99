// Clarifications: recording a selector's question, putting it to the human, and resolving the decision with the answer.
import type { ChosenBy, DecisionEvent, FinalResolution, PieceViewRecord } from "@loom/core";
import { resolveDecision } from "@loom/core";
import { type ClarificationAnswer } from "@loom/selectors";
import { isSelectorCommand } from "@loom/selectors/internal";
import { isAgentic } from "./agentic.js";
import { OrchestratorError } from "./orchestrator-error.js";
import { select, toResolution } from "./selection.js";
import type { SessionSteps } from "./session-steps.js";

export interface ClarifyInput {
  question: string;
  candidatesInTension: string[];
  whatHingesOnIt: string;
}

/** Record an open decision as clarifying and announce the question. */
export function recordClarify(
  steps: SessionSteps,
  decisionId: string,
  c: ClarifyInput,
  chosenBy: ChosenBy,
  view?: PieceViewRecord,
): DecisionEvent {
  steps.session.mutate((l) =>
    resolveDecision(
      l,
      decisionId,
      {
        action: "clarify",
        chosenBy,
        question: c.question,
        candidatesInTension: c.candidatesInTension,
        whatHingesOnIt: c.whatHingesOnIt,
        ...(view ? { view } : {}),
      },
      steps.env,
    ),
  );
  steps.bus.emit({
    type: "clarification-asked",
    decisionId,
    question: c.question,
    candidatesInTension: c.candidatesInTension,
    whatHingesOnIt: c.whatHingesOnIt,
  });
  return steps.loom.decisions[decisionId]!;
}

/** Put a pending clarification to the human (who must be attached) and resolve it with the answer. */
export async function askHuman(
  steps: SessionSteps,
  decision: DecisionEvent,
  signal?: AbortSignal,
  fromAgentTool = false,
): Promise<ClarificationAnswer> {
  let answer: ClarificationAnswer;
  try {
    answer = await steps.human!.answerClarification({
      loom: steps.loom,
      decisionId: decision.id,
      question: decision.clarificationQuestion ?? "",
      candidatesInTension: decision.candidatesInTension ?? [],
      whatHingesOnIt: decision.whatHingesOnIt ?? "",
      candidates: steps.candidatesOf(decision.id),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    steps.bus.emit({ type: "error", error: error as Error, where: "human" });
    throw error;
  }
  await applyAnswer(steps, decision.id, answer, !fromAgentTool);
  return answer;
}

/**
 * Apply the human's answer. With a `decision` in it the human decides; without one the selector decides
 * in its light (a stateless selector now; the agent at its next step, told by a note unless it asked itself).
 */
export async function applyAnswer(
  steps: SessionSteps,
  decisionId: string,
  answer: string | ClarificationAnswer,
  noteForAgent: boolean,
): Promise<DecisionEvent | null> {
  const a: ClarificationAnswer = typeof answer === "string" ? { answer } : answer;
  const decision = steps.loom.decisions[decisionId];
  if (!decision || decision.action !== "clarify" || decision.humanResponse !== null) {
    throw new OrchestratorError("invalid_state", `decision ${decisionId} has no pending clarification`);
  }
  steps.bus.emit({ type: "clarification-answered", decisionId, answer: a.answer });
  if (a.decision) {
    const resolution: FinalResolution =
      a.decision.action === "choose"
        ? {
            action: "choose",
            chosenNodeId: a.decision.choice,
            chosenBy: "human",
            reason: a.decision.reason ?? a.answer,
            ranking: null,
            candidateScores: {},
          }
        : { action: "stop", chosenBy: "human", reason: a.decision.reason ?? a.answer };
    return steps.finalize(decisionId, resolution, a.answer);
  }
  const selector = steps.requireSelector();
  if (isAgentic(selector)) {
    steps.clarificationAnswers.set(decisionId, a.answer);
    // An answer to the agent's own tool call reaches it as the tool's result; one given later, as a note.
    if (noteForAgent)
      steps.agentNote = `The human answered your question "${decision.clarificationQuestion}": ${JSON.stringify(a.answer)}. Decide decision ${decisionId} now (commit_choice or stop_generation).`;
    return null;
  }
  const { outcome, view } = await select(steps, selector, decisionId, {
    question: decision.clarificationQuestion ?? "",
    answer: a.answer,
  });
  if (isSelectorCommand(outcome) || outcome.action === "clarify") {
    throw new OrchestratorError(
      "invalid_state",
      `selector ${selector.kind} answered a clarification with "${outcome.action}"; expected choose or stop`,
    );
  }
  return steps.finalize(decisionId, toResolution(outcome, selector.chosenBy, view), a.answer);
}
