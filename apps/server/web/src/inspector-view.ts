// The inspector beside the tree: one node's text, its tokens coloured by probability (top alternatives on hover, a click lists them to branch from), every alternative of its decision in full, and the buttons to check it out or choose it.
import type { ApiClient, DecisionSummary, NodeSummary, SessionPage } from "./api-client.js";
import { el, formatLogprob } from "./format.js";
import { type BranchBody, showToken, type Token, tokenBranchPanel } from "./token-branch-view.js";

interface Alternatives {
  ranking: string[] | null;
  candidateScores: Record<string, Record<string, number>>;
  candidates: (NodeSummary & { scores: Record<string, number> })[];
}

interface NodeDetail {
  node: NodeSummary & { tokens: Token[] | null; selectionReason: string | null };
  fullText: string;
  decision: DecisionSummary | null;
  rejectedChildren: NodeSummary[];
  alternatives: Alternatives | null;
}

/** A token's colour: from red (the model hardly expected it) through amber to green (it was nearly certain). */
export function probabilityColour(logprob: number | undefined): string {
  if (logprob === undefined) return "transparent";
  const p = Math.exp(logprob);
  return `hsl(${Math.round(120 * p)} 70% 85%)`;
}

function tokenSpan(t: Token): HTMLElement {
  const span = el("span", "token", t.text);
  span.style.backgroundColor = probabilityColour(t.logprob);
  const p = t.logprob === undefined ? "n/a" : `${(100 * Math.exp(t.logprob)).toFixed(1)} %`;
  const top = (t.top ?? [])
    .map((a) => `${JSON.stringify(showToken(a.text))} ${(100 * Math.exp(a.logprob)).toFixed(1)} %`)
    .join(", ");
  span.title = `${JSON.stringify(showToken(t.text))}: p ${p} (logprob ${formatLogprob(t.logprob)})${top ? `\ntop: ${top}` : ""}`;
  span.tabIndex = 0;
  if (t.top?.length) span.dataset.top = String(t.top.length);
  return span;
}

function alternativesTable(detail: NodeDetail, decision: DecisionSummary, alts: Alternatives): HTMLElement {
  const box = el("div", "alternatives");
  box.dataset.testid = "alternatives";
  box.append(el("h4", "", `All ${alts.candidates.length} candidates of this decision`));
  const criteria = [...new Set(Object.values(alts.candidateScores).flatMap((s) => Object.keys(s)))];
  const table = el("table");
  const head = el("tr");
  for (const h of ["#", "candidate", "logprob", "rank", ...criteria, "outcome"]) head.append(el("th", "", h));
  table.append(head);
  alts.candidates.forEach((c, i) => {
    const row = el("tr", c.id === detail.node.id ? "this-node" : "");
    row.dataset.nodeId = c.id;
    const rank = alts.ranking ? alts.ranking.indexOf(c.id) : -1;
    const chosen = decision.chosenNodeId === c.id;
    const outcome = chosen
      ? `chosen by ${decision.chosenBy ?? "?"}`
      : decision.action === null
        ? "open"
        : decision.action === "stop"
          ? "stopped here"
          : "rejected";
    row.append(
      el("td", "", String(i + 1)),
      el("td", "alt-text", c.text),
      el("td", "num", formatLogprob(c.stepLogprob)),
      el("td", "num", rank >= 0 ? String(rank + 1) : "–"),
    );
    for (const k of criteria) {
      const v = alts.candidateScores[c.id]?.[k] ?? c.scores[k];
      row.append(el("td", "num", v === undefined ? "–" : String(v)));
    }
    row.append(el("td", chosen ? "outcome chosen" : "outcome", outcome));
    table.append(row);
  });
  box.append(table);
  if (decision.reason) box.append(el("p", "reason", `Why: ${decision.reason}`));
  return box;
}

export async function renderInspector(
  target: HTMLElement,
  api: ApiClient,
  page: SessionPage,
  nodeId: string,
  actions: {
    checkout(nodeId: string): void;
    chooseNode(decisionId: string, nodeId: string): void;
    /** Branch inside the node at a token (POST …/nodes/:nodeId/branch). */
    branch(nodeId: string, body: BranchBody): void;
  },
  /** More for the node after the inspector's own parts (the tree-work panel). */
  extra?: (node: { id: string; text: string; parentId: string | null }) => HTMLElement,
  /** False once a newer request for the inspector was made: this one's answer is dropped. */
  current: () => boolean = () => true,
): Promise<void> {
  const detail = await api.call<NodeDetail>(
    "GET",
    `/api/sessions/${encodeURIComponent(page.id)}/nodes/${encodeURIComponent(nodeId)}`,
  );
  if (!current()) return;
  const { node, decision } = detail;
  target.replaceChildren();
  target.dataset.nodeId = node.id;
  target.append(el("h3", "", node.parentId === null ? "Seed" : "Node"));
  const text = el("p", "inspector-text");
  const before = detail.fullText.slice(0, detail.fullText.length - node.text.length);
  text.append(el("span", "context", before.length > 400 ? `…${before.slice(-400)}` : before));
  // The node's own text, token by token when the generator gave tokens; a click (or Enter) on one lists its alternatives.
  const alternatives = el("div", "token-branch-slot");
  if (node.tokens?.length) {
    const tokens = node.tokens;
    const own = el("span", "tokens");
    own.dataset.testid = "tokens";
    tokens.forEach((t, k) => {
      const span = tokenSpan(t);
      span.dataset.index = String(k);
      const open = () => {
        for (const s of own.querySelectorAll(".token.picked")) s.classList.remove("picked");
        span.classList.add("picked");
        alternatives.replaceChildren(tokenBranchPanel(tokens, k, (body) => actions.branch(node.id, body)));
      };
      span.addEventListener("click", open);
      span.addEventListener("keydown", (e) => {
        if (e.key !== "Enter") return;
        e.preventDefault();
        open();
      });
      own.append(span);
    });
    text.append(own);
  } else text.append(el("mark", "", node.text));
  target.append(text, alternatives);
  const facts = el("dl", "facts");
  const fact = (k: string, v: string) => facts.append(el("dt", "", k), el("dd", "", v));
  fact("logprob", formatLogprob(node.stepLogprob));
  fact("origin", node.origin);
  if (node.chosenBy) fact("chosen by", node.chosenBy);
  if (decision) {
    fact("decision", decision.action ?? "open");
    if (decision.logprobGap !== null && decision.chosenNodeId === node.id)
      fact("logprob gap", formatLogprob(decision.logprobGap));
    if (decision.clarificationQuestion)
      fact(
        "clarification",
        `${decision.clarificationQuestion}${decision.humanResponse ? ` → ${decision.humanResponse}` : ""}`,
      );
  }
  if (detail.rejectedChildren.length) fact("rejected here", String(detail.rejectedChildren.length));
  target.append(facts);
  const bar = el("div", "actions");
  const checkout = el("button", "action", "Check out");
  checkout.dataset.testid = "checkout-button";
  checkout.addEventListener("click", () => actions.checkout(node.id));
  bar.append(checkout);
  if (decision && decision.action === null && node.decisionId) {
    const choose = el("button", "action", "Choose this");
    choose.addEventListener("click", () => actions.chooseNode(decision.id, node.id));
    bar.append(choose);
  }
  target.append(bar);
  if (extra) target.append(extra(node));
  if (decision && detail.alternatives) target.append(alternativesTable(detail, decision, detail.alternatives));
}
