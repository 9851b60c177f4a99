// The stateless selector's prompt: a pure function of the brief, the text, the candidates and the options.
import type { Brief, PieceView } from "@loom/core";
import { READING_GUIDE, briefText } from "./brief-text.js";
import { pieceViewText } from "./piece-view-text.js";
import { lastSentences, recentParagraph } from "./recent-context.js";
import type { ClarificationExchange, SelectionCandidate } from "./selector.js";

export interface StatelessPromptInput {
  brief: Brief;
  /** The text of the current path (the piece so far). */
  fullText: string;
  candidates: readonly SelectionCandidate[];
  showLogprobs: boolean;
  allowClarify: boolean;
  clarification?: ClarificationExchange;
  /** What is shown of the piece: core's pieceView of `fullText` (whole, or opening + middle summary + recent passage); absent: the whole text. */
  view?: PieceView;
}

export interface ChatPrompt {
  system: string;
  user: string;
}

function formatLogprob(lp: number | null): string {
  return lp === null ? "n/a" : lp.toFixed(3);
}

export function buildStatelessPrompt(input: StatelessPromptInput): ChatPrompt {
  const actions = input.allowClarify
    ? [
        '- "choose": pick the candidate that best continues the piece under the brief; give a ranking of all candidate ids (best first), optional scores per candidate per criterion (0-10), and a reason.',
        '- "clarify": only when candidates pull in directions that matter and the brief does not settle it: ask the human one question, name the candidates in tension and what hinges on the answer.',
        '- "stop": the piece is complete (or cannot go on well); give the reason.',
      ]
    : [
        '- "choose": pick the candidate that best continues the piece under the brief; give a ranking of all candidate ids (best first), optional scores per candidate per criterion (0-10), and a reason.',
        '- "stop": the piece is complete (or cannot go on well); give the reason.',
        "Clarification is not available in this session: decide yourself.",
      ];
  const system = [
    "You are the selector in a loom: a base language model proposes several short continuations of a piece of writing, and you decide which one the piece takes.",
    "",
    "The brief:",
    briefText(input.brief),
    "",
    READING_GUIDE,
    "",
    "Answer with exactly one decision, using only the candidate ids you are given:",
    ...actions,
    'Return it as JSON of the form {"decision": {...}} matching the schema; nothing else.',
  ].join("\n");

  const candidateLines = input.candidates.map((c) => {
    const lp = input.showLogprobs ? ` (logprob ${formatLogprob(c.stepLogprob)})` : "";
    return `[${c.id}]${lp}: ${JSON.stringify(c.text)}`;
  });
  const parts = [
    input.view ? pieceViewText(input.view) : ["<whole_piece>", input.fullText, "</whole_piece>"].join("\n"),
    "",
    "<recent_paragraph>",
    recentParagraph(input.fullText),
    "</recent_paragraph>",
    "",
    "<last_sentences>",
    lastSentences(input.fullText, 2),
    "</last_sentences>",
    "",
    `Candidates for what comes next (${input.candidates.length}; each is appended directly after the text, shown as a JSON string):`,
    ...candidateLines,
  ];
  if (input.showLogprobs) {
    parts.push(
      "",
      "Logprobs are the base model's summed log-probability of each candidate; higher means more expected, not better.",
    );
  }
  if (input.clarification) {
    parts.push(
      "",
      "You asked the human a question at this point, and they answered. Decide in the light of the answer.",
      `Question: ${input.clarification.question}`,
      `Answer: ${input.clarification.answer}`,
    );
  }
  return { system, user: parts.join("\n") };
}
