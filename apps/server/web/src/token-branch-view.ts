// The inspector's token view: a selected token's alternatives, each with "branch here", and a field to branch with typed text at that point.
import { actionButton, el, fieldForm, formatLogprob } from "./format.js";

export interface Token {
  text: string;
  logprob?: number;
  top?: { text: string; logprob: number }[];
}

/** What a branch asks for: the alternative at token `tokenIndex`, or typed text there. */
export type BranchBody = { tokenIndex: number; alternative: number } | { tokenIndex: number; text: string };

/** Visible whitespace in a token (a leading space or a newline matters when reading where the model hesitated). */
export function showToken(text: string): string {
  return text.replace(/\n/g, "⏎").replace(/^ /, "·");
}

const percent = (logprob: number | undefined) =>
  logprob === undefined ? "n/a" : `${(100 * Math.exp(logprob)).toFixed(1)} %`;

/** The panel for token `k` of a node: the token, its alternatives (the one already there marked), and typed text. */
export function tokenBranchPanel(tokens: readonly Token[], k: number, branch: (body: BranchBody) => void): HTMLElement {
  const t = tokens[k]!;
  const box = el("div", "token-branch");
  box.dataset.testid = "token-alternatives";
  box.dataset.tokenIndex = String(k);
  box.append(
    el(
      "h4",
      "",
      `Token ${k + 1} of ${tokens.length}: ${JSON.stringify(showToken(t.text))} (p ${percent(t.logprob)}, logprob ${formatLogprob(t.logprob)})`,
    ),
  );
  const list = el("ol", "token-alts");
  (t.top ?? []).forEach((a, j) => {
    const row = el("li", "token-alt");
    row.dataset.alternative = String(j);
    row.append(el("span", "token", showToken(a.text)), el("span", "num", percent(a.logprob)));
    // The model's own pick at this point is no branch: it is the node as it stands.
    if (a.text === t.text) row.append(el("span", "taken", "taken here"));
    else
      row.append(
        actionButton(
          "branch here",
          "branch-here",
          () => branch({ tokenIndex: k, alternative: j }),
          `A sibling: the text before this token, then ${JSON.stringify(a.text)}`,
        ),
      );
    list.append(row);
  });
  if (!t.top?.length) box.append(el("p", "hint", "No alternatives were recorded for this token."));
  box.append(list);

  // Typed text replaces the token as written (a leading space counts), so it is not trimmed.
  const form = fieldForm({
    className: "token-text-form",
    type: "text",
    placeholder: "or type what comes here",
    label: `Branch at token ${k + 1} with this text (a leading space counts)`,
    testid: "branch-text",
    button: "branch with text",
    buttonTestid: "branch-text-button",
    keepSpaces: true,
    submit: (text) => {
      if (text) branch({ tokenIndex: k, text });
    },
  });
  box.append(form);
  return box;
}
