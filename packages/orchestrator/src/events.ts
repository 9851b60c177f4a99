// The typed events the orchestrator emits, which the CLI and the server render.
import type { Brief, ChosenBy, DecisionAction } from "@loom/core";
import type { SelectionCandidate } from "@loom/selectors";
import type { SessionUsage } from "./usage.js";

export type StopReason =
  /** The selector (or the human) decided the piece is done. */
  | "selector"
  /** The current path reached `config.maxTokensTotal`. */
  | "max-tokens"
  /** `run({ maxSteps })` or `config.maxSteps` reached. */
  | "max-steps"
  | "aborted"
  /** A clarification waits for a human and none is attached: answer it with answerClarification(). */
  | "awaiting-clarification"
  /** The agentic selector ran out of turns for a step, idled, or spent its token budget. */
  | "agent-budget"
  | "error";

export type OrchestratorEvent =
  | { type: "step-started"; step: number; parentNodeId: string }
  | {
      type: "candidates";
      decisionId: string;
      parentNodeId: string;
      candidates: SelectionCandidate[];
      /** True when stored candidates were re-presented (resume) rather than generated now. */
      reused: boolean;
      /** True when these were added to an open decision (a reroll). */
      reroll: boolean;
    }
  | {
      type: "decision";
      decisionId: string;
      action: DecisionAction;
      chosenNodeId: string | null;
      chosenBy: ChosenBy | null;
      reason: string | null;
      chosenText: string | null;
      logprobGap: number | null;
    }
  | {
      type: "clarification-asked";
      decisionId: string;
      question: string;
      candidatesInTension: string[];
      whatHingesOnIt: string;
    }
  | { type: "clarification-answered"; decisionId: string; answer: string }
  /** The brief was replaced by a new version (by the human, or by the agent with the human's approval). */
  | { type: "brief-changed"; version: number; changed: string[]; by: "human" | "agent" }
  /** The agent proposed a brief change; the human is asked to approve it (answered by `brief-change-answered`). */
  | { type: "brief-change-proposed"; changed: string[]; proposed: Brief; reason: string }
  | { type: "brief-change-answered"; approved: boolean; note: string | null }
  /**
   * A look-ahead (Orchestrator.expand) added candidates below `parentNodeId`, level `level` of `depth` below
   * `fromNodeId`; nothing was chosen and the tip did not move. `candidates` are the decision's every one.
   */
  | {
      type: "expanded";
      fromNodeId: string;
      level: number;
      depth: number;
      decisionId: string;
      parentNodeId: string;
      candidates: SelectionCandidate[];
    }
  /** The current path moved other than by a choice: back, checkout, an edit. */
  | { type: "tip-changed"; tipId: string }
  /** The writer's tree work (split, merge, prune, move, marks, undo/redo) changed the loom; `op` names it. */
  | { type: "tree-changed"; op: string; tipId: string }
  | { type: "stopped"; reason: StopReason; detail?: string }
  | { type: "error"; error: Error; where: "generator" | "selector" | "human" | "session" }
  | { type: "usage"; usage: SessionUsage };

export type OrchestratorListener = (event: OrchestratorEvent) => void;
