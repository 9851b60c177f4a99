// The agentic selector's system prompt and opening message: pure functions of the loom.
import { currentText, type Loom } from "@loom/core";
import { READING_GUIDE, briefText } from "./brief-text.js";
import { lastSentences } from "./recent-context.js";

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
    "Use only candidate ids that a tool gave you. Keep your own messages short: your judgement goes into the reasons.",
  ].join("\n");
}

export function buildAgentOpening(loom: Loom, options: { maxTokensTotal: number }): string {
  const text = currentText(loom);
  return [
    "The piece so far:",
    "<whole_piece>",
    text,
    "</whole_piece>",
    "",
    `Last sentences: ${JSON.stringify(lastSentences(text, 2))}`,
    `Tip node: ${loom.currentPath[loom.currentPath.length - 1]}. The piece may grow to about ${options.maxTokensTotal} tokens.`,
    "Begin: call generate_candidates.",
  ].join("\n");
}
