// Builds the manifest line for a decision that reached choose or stop.
import type { DecisionEvent, Loom, LoomOp } from "@loom/core";
import { MANIFEST_VERSION, type ManifestLine } from "./formats.js";

/** True when the decision has reached a final outcome (choose or stop), the moment it gets a manifest line. */
export const isFinal = (d: DecisionEvent) => d.action === "choose" || d.action === "stop";

export function manifestLine(loom: Loom, d: DecisionEvent): ManifestLine {
  const line: ManifestLine = {
    version: MANIFEST_VERSION,
    sessionId: loom.sessionId,
    decisionId: d.id,
    parentNodeId: d.parentNodeId,
    candidateNodeIds: [...d.candidateNodeIds],
    chosenNodeId: d.chosenNodeId,
    action: d.action!,
    chosenBy: d.chosenBy,
    reason: d.reason,
    maxLogprob: d.maxLogprob,
    chosenLogprob: d.chosenLogprob,
    logprobGap: d.logprobGap,
    timestamp: d.timestamp,
    resolvedAt: d.resolvedAt,
    chosenText: d.chosenNodeId !== null ? (loom.nodes[d.chosenNodeId]?.text ?? null) : null,
  };
  if (d.clarificationQuestion !== null) line.clarificationQuestion = d.clarificationQuestion;
  if (d.humanResponse !== null) line.humanResponse = d.humanResponse;
  if (d.briefVersion !== null) line.briefVersion = d.briefVersion;
  return line;
}

/** The decision an op brought to choose or stop, if it did. */
export function finalizedBy(loom: Loom, op: LoomOp): DecisionEvent | null {
  if (op.op !== "resolve" && op.op !== "answerClarification" && op.op !== "branchAtToken") return null;
  const d = loom.decisions[op.decisionId];
  return d && isFinal(d) ? d : null;
}
