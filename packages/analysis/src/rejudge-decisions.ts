// Which recorded decisions can be judged again, and the selection context that replays one: the same parent text, candidates and brief version.
import { briefOfDecision, decisionsInOrder, rootPath, type DecisionEvent, type Loom } from "@loom/core";
import type { ClarificationExchange, SelectionCandidate } from "@loom/selectors";

/** A recorded decision set up as it stood when it was made. */
export interface ReplayedDecision {
  decision: DecisionEvent;
  /** The loom with its current path ending at the decision's parent and the brief of the decision's version. */
  loom: Loom;
  candidates: SelectionCandidate[];
  /** The human's answer to the decision's clarification, which the original chooser decided in the light of. */
  clarification: ClarificationExchange | undefined;
}

/**
 * The decisions that were resolved (choose or stop; an open one or an unanswered clarification has no
 * verdict to compare with) and whose candidates are all in the loom, in the order they were resolved.
 */
export function replayableDecisions(loom: Loom): DecisionEvent[] {
  return decisionsInOrder(loom).filter(
    (d) =>
      (d.action === "choose" || d.action === "stop") &&
      d.candidateNodeIds.length > 0 &&
      d.parentNodeId in loom.nodes &&
      d.candidateNodeIds.every((id) => id in loom.nodes),
  );
}

/** The decision replayed: nothing is copied but the path (the nodes are shared with `loom`, which is not changed). */
export function replayOf(loom: Loom, d: DecisionEvent): ReplayedDecision {
  const brief = briefOfDecision(loom, d.id) ?? loom.brief;
  const replayed: Loom = {
    ...loom,
    currentPath: rootPath(loom, d.parentNodeId),
    brief,
    briefVersion: d.briefVersion ?? loom.briefVersion,
    // The branches held for later are the session's now, not the decision's: a judge is shown none.
    heldPaths: [],
  };
  const candidates = d.candidateNodeIds.map((id) => {
    const n = loom.nodes[id]!;
    return { id, text: n.text, stepLogprob: n.stepLogprob };
  });
  const clarification =
    d.clarificationQuestion !== null && d.humanResponse !== null
      ? { question: d.clarificationQuestion, answer: d.humanResponse }
      : undefined;
  return { decision: d, loom: replayed, candidates, clarification };
}
