// The agentic selector's system prompt, opening message and per-decision view of the piece: pure functions of the loom.
import type { Loom, PieceView } from "@loom/core";
import { READING_GUIDE, briefText } from "./brief-text.js";
import { pieceViewText } from "./piece-view-text.js";

/** Marks the view of the piece inside a message, so an earlier view can be replaced by a stub (agentic-selector.ts). */
export const VIEW_OPEN = "<piece_view>";
export const VIEW_CLOSE = "</piece_view>";

export function buildAgentSystemPrompt(loom: Loom, options: { allowClarify: boolean }): string {
  return [
    "You are the selector in a loom, and you drive it with tools. A base language model proposes short continuations of a piece of writing; you decide, one step at a time, which continuation the piece takes.",
    "",
    `The brief (version ${loom.briefVersion}):`,
    briefText(loom.brief),
    "",
    READING_GUIDE,
    "",
    "Each step: call generate_candidates, read the candidates, optionally query_loom for the history, then",
    "- commit_choice with the candidate that best serves the brief (with a reason), or",
    options.allowClarify
      ? "- request_human_input when candidates pull in directions that matter and the brief does not settle it (then commit_choice or stop_generation with the answer in mind), or"
      : "- (no human is available to answer questions in this session: decide yourself), or",
    "- stop_generation when the piece is complete.",
    options.allowClarify
      ? "If the piece has found something the brief does not say, update_brief proposes a change; the human approves or refuses it."
      : "(update_brief needs a human to approve a change: none is available in this session.)",
    "A branch worth coming back to can be kept with hold_path and taken up again with switch_path (the path you leave is held).",
    "At each step you are shown the piece: whole while it fits your view, then its opening, a summary of the middle and the recent passage. The summary is yours to keep: when the view says part of the middle is not summarised, call update_summary with a summary of everything between the opening and the recent passage (what you read there in earlier steps).",
    "Use only candidate ids that a tool gave you. Keep your own messages short: your judgement goes into the reasons.",
  ].join("\n");
}

/** The piece as the agent sees it at a decision (core's pieceView, written out), marked so it can be superseded. */
export function buildAgentView(loom: Loom, view: PieceView): string {
  const tip = loom.currentPath[loom.currentPath.length - 1];
  const lines = [VIEW_OPEN, "The piece now:", pieceViewText(view), VIEW_CLOSE, `Tip node: ${tip}.`];
  if (view.elided)
    lines.push(
      `Part of the middle is not summarised: call update_summary (it will cover through node ${view.summarisableThrough}).`,
    );
  return lines.join("\n");
}

export function buildAgentOpening(loom: Loom, view: PieceView, options: { maxTokensTotal: number }): string {
  return [
    buildAgentView(loom, view),
    `The piece may grow to about ${options.maxTokensTotal} tokens.`,
    "Begin: call generate_candidates.",
  ].join("\n");
}
