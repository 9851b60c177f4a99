// The inspector beside the tree: one node's full text, logprobs, decision and the buttons to check it out or choose it.
import type { ApiClient, DecisionSummary, NodeSummary, SessionPage } from "./api-client.js";
import { el, formatLogprob } from "./format.js";

interface NodeDetail {
  node: NodeSummary & { tokens: { text: string; logprob?: number }[] | null; selectionReason: string | null };
  fullText: string;
  decision: DecisionSummary | null;
  rejectedChildren: NodeSummary[];
}

export async function renderInspector(
  target: HTMLElement,
  api: ApiClient,
  page: SessionPage,
  nodeId: string,
  actions: { checkout(nodeId: string): void; chooseNode(decisionId: string, nodeId: string): void },
): Promise<void> {
  const detail = await api.call<NodeDetail>(
    "GET",
    `/api/sessions/${encodeURIComponent(page.id)}/nodes/${encodeURIComponent(nodeId)}`,
  );
  const { node, decision } = detail;
  target.replaceChildren();
  target.dataset.nodeId = node.id;
  target.append(el("h3", "", node.parentId === null ? "Seed" : "Node"));
  const text = el("p", "inspector-text");
  const before = detail.fullText.slice(0, detail.fullText.length - node.text.length);
  text.append(
    el("span", "context", before.length > 400 ? `…${before.slice(-400)}` : before),
    el("mark", "", node.text),
  );
  target.append(text);
  const facts = el("dl", "facts");
  const fact = (k: string, v: string) => facts.append(el("dt", "", k), el("dd", "", v));
  fact("logprob", formatLogprob(node.stepLogprob));
  fact("origin", node.origin);
  if (node.chosenBy) fact("chosen by", node.chosenBy);
  if (decision) {
    fact("decision", decision.action ?? "open");
    if (decision.logprobGap !== null && decision.chosenNodeId === node.id)
      fact("logprob gap", formatLogprob(decision.logprobGap));
    if (decision.reason && decision.chosenNodeId === node.id) fact("reason", decision.reason);
    if (decision.clarificationQuestion)
      fact(
        "clarification",
        `${decision.clarificationQuestion}${decision.humanResponse ? ` → ${decision.humanResponse}` : ""}`,
      );
  }
  if (detail.rejectedChildren.length) fact("rejected here", String(detail.rejectedChildren.length));
  target.append(facts);
  if (node.tokens?.length) {
    const tokens = el("div", "tokens");
    for (const t of node.tokens) {
      const span = el("span", "token", t.text);
      span.title = `logprob ${formatLogprob(t.logprob)}`;
      tokens.append(span);
    }
    target.append(tokens);
  }
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
}
