// The narrow view of a session that the agent's tools act through: read, generate, commit, ask, stop — nothing else.
import type { Brief, DecisionEvent, FinalResolution, Loom, LoomOp } from "@loom/core";
import type { BriefChangeAnswer, ClarificationAnswer, SelectionCandidate } from "@loom/selectors";

export interface AgentCandidates {
  decisionId: string;
  parentNodeId: string;
  candidates: SelectionCandidate[];
}

export interface AgentStepController {
  readonly loom: Loom;
  /** Whether a human is attached to answer questions. */
  readonly canAskHuman: boolean;
  /** Tokens on the current path (what maxTokensTotal limits). */
  pathTokens(): number;
  currentText(): string;
  /** The clarification waiting at the tip, and whether the human's answer is in. */
  pendingAtTip(): { decision: DecisionEvent; answered: boolean } | null;
  /** The decision at the tip the agent may act on: open, or clarifying with the human's answer in. */
  actionable(): DecisionEvent | null;
  /** Move the tip to a node (the agent's `parentNodeId`). */
  moveTo(nodeId: string): void;
  /** Candidates at the tip: stored ones the agent has not seen are shown, otherwise fresh ones are generated. */
  candidates(options: { n?: number; maxTokens?: number; signal?: AbortSignal }): Promise<AgentCandidates>;
  /** Resolve a decision as choose or stop. */
  commit(decisionId: string, resolution: FinalResolution): DecisionEvent;
  /** Record the agent's question on an open decision and wait for the human's answer. */
  ask(
    decisionId: string,
    question: { question: string; candidatesInTension: string[]; whatHingesOnIt: string },
    signal?: AbortSignal,
  ): Promise<ClarificationAnswer>;
  stop(reason: string): void;
  /** Replace the summary of the piece's middle (journaled); it covers through the node the current view's middle ends at. */
  summarize(text: string): { version: number; throughNodeId: string };
  /** Journal the agent's own change to the paths (hold, switch): one op, the page told, the agent not. */
  paths(change: (loom: Loom) => LoomOp): void;
  /** Put a brief change to the human; on approval it becomes the new brief version. Null when no human can approve. */
  proposeBrief(
    proposed: Brief,
    changed: string[],
    reason: string,
    signal?: AbortSignal,
  ): Promise<BriefChangeAnswer & { version: number }> | null;
}
