// The session's panels: the current text with its segments, the candidate buttons, a pending clarification and the history.
import type { DecisionSummary, NodeSummary, SessionPage } from "./api-client.js";
import { el, formatLogprob } from "./format.js";

export interface SessionActions {
  choose(index: number): void;
  generate(): void;
  reroll(): void;
  stop(): void;
  write(text: string): void;
  answer(decisionId: string, answer: string, nodeId: string | null): void;
  run(): void;
  cancelRun(): void;
}

/** The current text, one span per chosen segment, so the joins between choices stay visible. */
export function renderText(target: HTMLElement, page: SessionPage): void {
  target.replaceChildren();
  page.path.forEach((node, i) => {
    const span = el("span", i === 0 ? "seg seg-seed" : `seg seg-${i % 2 ? "odd" : "even"}`, node.text);
    span.dataset.nodeId = node.id;
    span.title = i === 0 ? "seed" : `step ${i} · logprob ${formatLogprob(node.stepLogprob)} · ${node.chosenBy ?? ""}`;
    target.append(span);
  });
  if (page.stopped) target.append(el("span", "stopped-mark", " ■ stopped"));
}

function bestLogprob(candidates: NodeSummary[]): number | null {
  let best: number | null = null;
  for (const c of candidates)
    if (c.stepLogprob !== null && (best === null || c.stepLogprob > best)) best = c.stepLogprob;
  return best;
}

export function renderCandidates(
  target: HTMLElement,
  page: SessionPage,
  busy: string | null,
  actions: SessionActions,
): void {
  target.replaceChildren();
  const bar = el("div", "actions");
  const button = (label: string, testId: string, onClick: () => void, disabled = false) => {
    const b = el("button", "action", label);
    b.dataset.testid = testId;
    b.disabled = disabled || busy !== null;
    b.addEventListener("click", onClick);
    bar.append(b);
    return b;
  };
  const open = page.open;
  const human = !page.running;
  if (!open && !page.stopped) button("Generate (g)", "generate-button", actions.generate, !human);
  if (open) button("Reroll (r)", "reroll-button", actions.reroll, !human);
  if (!page.stopped) button("Stop (s)", "stop-button", actions.stop, !human);
  const mode = String((page.config.selector as { mode?: string } | undefined)?.mode ?? "human");
  if (mode !== "human" && !page.stopped) {
    if (page.running) button("Cancel run", "cancel-run-button", actions.cancelRun);
    else button(`Run ${mode} selector`, "run-button", actions.run);
  }
  target.append(bar);
  if (busy) target.append(el("div", "busy", busy));
  if (!open) {
    if (page.stopped)
      target.append(
        el("p", "hint", "This piece is finished. Click a node in the tree and check it out to branch from it."),
      );
    return;
  }
  const best = bestLogprob(open.candidates);
  const list = el("ol", "candidates");
  open.candidates.forEach((c, i) => {
    const li = el("li");
    const b = el("button", "candidate");
    b.dataset.testid = `candidate-${i + 1}`;
    b.dataset.nodeId = c.id;
    b.disabled = busy !== null || !human;
    const key = i < 9 ? el("kbd", "", String(i + 1)) : el("span", "nokey", "·");
    const text = el("span", "candidate-text", c.text);
    const lp = el(
      "span",
      c.stepLogprob !== null && c.stepLogprob === best ? "logprob best" : "logprob",
      formatLogprob(c.stepLogprob),
    );
    lp.title =
      c.stepLogprob !== null && c.stepLogprob === best
        ? "the base model's favourite"
        : "log-probability of this segment";
    b.append(key, text, lp);
    b.addEventListener("click", () => actions.choose(i));
    li.append(b);
    list.append(li);
  });
  target.append(list);
  const form = el("form", "write-form");
  const input = el("input");
  input.placeholder = "…or write your own continuation";
  input.dataset.testid = "write-input";
  const submit = el("button", "action", "Write");
  submit.type = "submit";
  form.append(input, submit);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (input.value) actions.write(input.value);
  });
  target.append(form);
}

export function renderClarification(target: HTMLElement, page: SessionPage, actions: SessionActions): void {
  target.replaceChildren();
  const d = page.pendingClarification;
  target.hidden = !d;
  if (!d) return;
  const byId = new Map(page.nodes.map((n) => [n.id, n] as const));
  target.append(el("h3", "", "The selector asks"), el("p", "question", d.clarificationQuestion ?? ""));
  if (d.whatHingesOnIt) target.append(el("p", "hinges", `What hinges on it: ${d.whatHingesOnIt}`));
  const form = el("form", "answer-form");
  const answer = el("textarea");
  answer.placeholder = "Your answer";
  answer.dataset.testid = "clarification-answer";
  form.append(answer);
  const choices = el("div", "answer-choices");
  for (const id of d.candidateNodeIds) {
    const b = el(
      "button",
      id && d.candidatesInTension?.includes(id) ? "candidate tension" : "candidate",
      byId.get(id)?.text ?? id,
    );
    b.type = "button";
    b.addEventListener("click", () => actions.answer(d.id, answer.value || "(no comment)", id));
    choices.append(b);
  }
  const stop = el("button", "action", "Answer and stop");
  stop.type = "button";
  stop.addEventListener("click", () => actions.answer(d.id, answer.value || "(no comment)", null));
  choices.append(stop);
  form.append(choices);
  target.append(form);
}

function historyLine(d: DecisionSummary, byId: Map<string, NodeSummary>, step: number): HTMLElement {
  const li = el("li", `history-${d.action ?? "open"}`);
  const chosen = d.chosenNodeId ? (byId.get(d.chosenNodeId)?.text ?? "") : "";
  const head = el("div", "history-head");
  head.append(el("span", "step", `#${step}`), el("span", "action-name", d.action ?? "open"));
  if (chosen) head.append(el("q", "", chosen));
  if (d.chosenBy) head.append(el("span", "by", d.chosenBy));
  if (d.logprobGap !== null)
    head.append(el("span", d.logprobGap < -2 ? "gap diverged" : "gap", `gap ${formatLogprob(d.logprobGap)}`));
  li.append(head);
  if (d.clarificationQuestion)
    li.append(
      el(
        "div",
        "history-clar",
        `asked: ${d.clarificationQuestion}${d.humanResponse ? ` — answered: ${d.humanResponse}` : ""}`,
      ),
    );
  if (d.reason) li.append(el("div", "reason", d.reason));
  return li;
}

export function renderHistory(target: HTMLElement, page: SessionPage): void {
  const byId = new Map(page.path.map((n) => [n.id, n] as const));
  const list = el("ol", "history");
  page.history.forEach((d, i) => list.append(historyLine(d, byId, i + 1)));
  target.replaceChildren(list);
}
