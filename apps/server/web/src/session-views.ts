// The session's panels: the current text (appended to in place, scrolled with the tip), the candidates under it, a pending clarification and the history.
import type { DecisionSummary, NodeSummary, TreeDecision } from "./api-client.js";
import { el, formatLogprob } from "./format.js";
import type { SessionStore } from "./session-store.js";

export interface SessionActions {
  choose(index: number): void;
  generate(): void;
  reroll(): void;
  stop(): void;
  write(text: string): void;
  answer(decisionId: string, answer: string, nodeId: string | null): void;
  run(): void;
  cancelRun(): void;
  /** Back to the decision that made the tip (the CLI's `b`): the chosen segment stays in the tree. */
  back(): void;
  /** Take another candidate of a decision already made here (checks it out). */
  switchTo(nodeId: string): void;
}

function segment(node: NodeSummary, i: number): HTMLElement {
  const span = el("span", i === 0 ? "seg seg-seed" : `seg seg-${i % 2 ? "odd" : "even"}`, node.text);
  span.dataset.nodeId = node.id;
  span.title = i === 0 ? "seed" : `step ${i} · logprob ${formatLogprob(node.stepLogprob)} · ${node.chosenBy ?? ""}`;
  return span;
}

/**
 * Whether a scrolling panel shows its end, tracked from its scroll events, so appending never has to read
 * layout first; `settle` then scrolls it to the end if it did.
 */
class ScrollEnd {
  following = true;

  constructor(private readonly box: HTMLElement) {
    box.addEventListener("scroll", () => (this.following = box.scrollHeight - box.scrollTop - box.clientHeight < 48), {
      passive: true,
    });
  }

  jump(): void {
    this.following = true;
    this.settle();
  }

  settle(): void {
    if (this.following) this.box.scrollTop = this.box.scrollHeight;
  }
}

/** Segments kept in the text panel at once: a long text's layout costs in proportion to what is on the page. */
const TEXT_WINDOW = 240;

/**
 * The current text, one span per chosen segment, windowed: the newest segments are on the page, earlier ones
 * come back with "earlier text" (the layout of a 5,000-step text on every append would freeze a live run).
 * New segments are appended and scrolled into view unless the writer scrolled back to read.
 */
export class TextView {
  /** Index in the path of the first segment on the page. */
  private first = 0;
  private count = 0;
  private path: readonly NodeSummary[] = [];
  private readonly earlier = el("button", "action small earlier", "");
  private readonly stoppedMark = el("span", "stopped-mark", " ■ stopped");

  private readonly end: ScrollEnd;

  constructor(readonly element: HTMLElement) {
    this.earlier.dataset.testid = "earlier-text";
    this.earlier.addEventListener("click", () => this.showEarlier());
    this.end = new ScrollEnd(element);
  }

  /** Scroll to the newest text if the writer was there (call after every view has changed its DOM). */
  settle(): void {
    this.end.settle();
  }

  private updateEarlier(): void {
    this.earlier.hidden = this.first === 0;
    this.earlier.textContent = `↑ earlier text (${this.first} segments)`;
  }

  renderAll(store: SessionStore): void {
    this.renderPath(store.page.path, store.page.stopped);
  }

  /** The whole path's text (its last window of segments), from a summary or a glance. */
  renderPath(path: readonly NodeSummary[], stopped: boolean): void {
    this.path = path;
    this.first = Math.max(0, this.path.length - TEXT_WINDOW);
    const frag = document.createDocumentFragment();
    frag.append(this.earlier);
    for (let i = this.first; i < this.path.length; i++) frag.append(segment(this.path[i]!, i));
    this.element.replaceChildren(frag);
    this.count = this.path.length;
    this.updateEarlier();
    this.markStopped(stopped);
    this.end.jump();
  }

  append(store: SessionStore, nodes: NodeSummary[]): void {
    this.path = store.page.path;
    const follow = this.end.following;
    this.stoppedMark.remove();
    for (const n of nodes) this.element.append(segment(n, this.count++));
    // Following the tip, the window slides: what scrolled far out of view leaves the page.
    if (follow && this.count - this.first > TEXT_WINDOW * 1.5) {
      const drop = this.count - this.first - TEXT_WINDOW;
      for (let i = 0; i < drop; i++) this.earlier.nextSibling?.remove();
      this.first += drop;
      this.updateEarlier();
    }
    this.markStopped(store.page.stopped);
  }

  private showEarlier(): void {
    const from = Math.max(0, this.first - TEXT_WINDOW);
    const frag = document.createDocumentFragment();
    for (let i = from; i < this.first; i++) frag.append(segment(this.path[i]!, i));
    const height = this.element.scrollHeight;
    this.earlier.after(frag);
    this.first = from;
    this.updateEarlier();
    // Keep the line the reader was on where it was.
    this.element.scrollTop += this.element.scrollHeight - height;
  }

  markStopped(stopped: boolean): void {
    if (stopped) this.element.append(this.stoppedMark);
    else this.stoppedMark.remove();
  }
}

function bestLogprob(candidates: NodeSummary[]): number | null {
  let best: number | null = null;
  for (const c of candidates)
    if (c.stepLogprob !== null && (best === null || c.stepLogprob > best)) best = c.stepLogprob;
  return best;
}

/** The word a candidate completes when it continues mid-word (the text ends in letters and it starts with letters). */
export function completedWord(textBefore: string, candidate: string): string | null {
  const head = /[\p{L}\p{N}'’-]+$/u.exec(textBefore)?.[0];
  const tail = /^[\p{L}\p{N}'’-]+/u.exec(candidate)?.[0];
  return head && tail ? head + tail : null;
}

/**
 * The buttons and candidates under the text. The write-your-own field is built once and never replaced, so
 * typing in it survives every redraw (a replaced field loses focus, and the next letter would become a shortcut).
 */
export class CandidatesView {
  private readonly bar = el("div", "actions");
  private readonly busyLine = el("div", "busy");
  private readonly list = el("ol", "candidates");
  private readonly hint = el("p", "hint");
  private readonly decided = el("div", "decided-panel");
  private readonly form = el("form", "write-form");
  readonly input = el("input");

  constructor(
    readonly element: HTMLElement,
    private readonly actions: SessionActions,
  ) {
    this.input.placeholder = "…or write your own continuation";
    this.input.dataset.testid = "write-input";
    this.input.setAttribute("aria-label", "Write your own continuation");
    const submit = el("button", "action", "Write");
    submit.type = "submit";
    this.form.append(this.input, submit);
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = this.input.value;
      if (!text) return;
      this.input.value = "";
      actions.write(text);
    });
    this.list.setAttribute("aria-label", "Candidates");
    element.append(this.list, this.decided, this.hint, this.form, this.busyLine, this.bar);
  }

  render(store: SessionStore, busy: string | null): void {
    // The buttons are made anew: the one the writer's focus was on gets it back (a keyboard user stays put).
    // A button disabled while the page was busy lost the focus; it gets it back once enabled again.
    const focused = this.focusedKey() ?? (document.activeElement === document.body ? this.lostFocus : null);
    this.build(store, busy);
    const target = focused ? this.element.querySelector<HTMLButtonElement>(focused) : null;
    target?.focus();
    this.lostFocus = target && document.activeElement !== target ? focused : null;
  }

  private lostFocus: string | null = null;

  /** A selector for the focused button of this view (its candidate's node, or its test id), or null. */
  private focusedKey(): string | null {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || active === this.input || !this.element.contains(active)) return null;
    const { nodeId, testid } = active.dataset;
    if (nodeId) return `button[data-node-id="${CSS.escape(nodeId)}"]`;
    return testid ? `[data-testid="${CSS.escape(testid)}"]` : null;
  }

  private build(store: SessionStore, busy: string | null): void {
    const page = store.page;
    const actions = this.actions;
    this.bar.replaceChildren();
    const button = (label: string, testId: string, onClick: () => void, disabled = false) => {
      const b = el("button", "action", label);
      b.dataset.testid = testId;
      b.disabled = disabled || busy !== null;
      b.addEventListener("click", onClick);
      this.bar.append(b);
      return b;
    };
    const open = page.open;
    const human = !page.running;
    if (!open && !page.stopped) button("Generate (g)", "generate-button", actions.generate, !human);
    // A stop is undone by going on: new candidates at the same tip.
    if (page.stopped) button("Continue writing (g)", "continue-button", actions.generate, !human);
    if (page.currentPath.length > 1) button("Back (b)", "back-button", actions.back, !human);
    if (open) button("Reroll (r)", "reroll-button", actions.reroll, !human);
    // A stop ends the decision open at the tip; with none open there is nothing to stop.
    if (!page.stopped && (open || page.pendingClarification)) button("Stop (s)", "stop-button", actions.stop, !human);
    const mode = String((page.config.selector as { mode?: string } | undefined)?.mode ?? "human");
    if (mode !== "human" && !page.stopped) {
      if (page.running) button("Cancel run", "cancel-run-button", actions.cancelRun);
      else button(`Run ${mode} selector`, "run-button", actions.run);
    }
    this.busyLine.textContent = busy ?? "";
    this.busyLine.hidden = busy === null;
    this.busyLine.className = busy === null ? "idle" : "busy";
    this.form.hidden = page.stopped || page.running;
    this.hint.textContent = page.stopped
      ? "This piece is finished. Continue writing, go back a step, or check out a node in the tree to branch."
      : "";
    this.hint.hidden = !page.stopped;
    this.renderList(store, busy);
    this.renderDecided(store, busy);
  }

  /** After going back: the candidates of the choice already made at this tip, each one click from being taken instead. */
  private renderDecided(store: SessionStore, busy: string | null): void {
    this.decided.replaceChildren();
    const page = store.page;
    let made: TreeDecision | null = null;
    if (!page.open && !page.stopped) {
      for (const d of store.decisions.values()) if (d.parentNodeId === store.tip && d.action === "choose") made = d;
    }
    this.decided.hidden = made === null;
    if (!made) return;
    this.decided.append(el("p", "hint", "Already decided here; take another candidate instead, or generate new ones:"));
    const list = el("ol", "candidates decided");
    made.candidateNodeIds.forEach((id, i) => {
      const node = store.nodes.get(id);
      if (!node) return;
      const b = el("button", id === made!.chosenNodeId ? "candidate was-chosen" : "candidate");
      b.dataset.testid = `decided-${i + 1}`;
      b.disabled = busy !== null || page.running;
      b.append(
        el("span", "nokey", id === made!.chosenNodeId ? "✓" : "·"),
        el("span", "candidate-text", node.text),
        el("span", "logprob", formatLogprob(node.stepLogprob)),
      );
      b.addEventListener("click", () => this.actions.switchTo(id));
      const li = el("li");
      li.append(b);
      list.append(li);
    });
    this.decided.append(list);
  }

  private renderList(store: SessionStore, busy: string | null): void {
    const page = store.page;
    const open = page.open;
    this.list.replaceChildren();
    this.list.hidden = !open;
    if (!open) return;
    const best = bestLogprob(open.candidates);
    const tail = page.text.slice(-80);
    // Name each candidate's model only when the step has more than one (generators alongside the session's).
    const models = new Set(open.candidates.map((c) => c.model));
    const showModel = models.size > 1;
    open.candidates.forEach((c, i) => {
      const li = el("li");
      const b = el("button", "candidate");
      b.dataset.testid = `candidate-${i + 1}`;
      b.dataset.nodeId = c.id;
      b.disabled = busy !== null || page.running;
      const key = i < 9 ? el("kbd", "", String(i + 1)) : el("span", "nokey", "·");
      const text = el("span", "candidate-body");
      text.append(el("span", "candidate-text", c.text));
      if (showModel) {
        const m = el("span", "candidate-model", c.model ?? "written by you");
        m.dataset.testid = "model-of-candidate";
        text.append(m);
      }
      const word = completedWord(tail, c.text);
      if (word) {
        const w = el("span", "completes", `completes “${word}”`);
        w.dataset.testid = "completes";
        text.append(w);
      }
      const isBest = c.stepLogprob !== null && c.stepLogprob === best;
      const lp = el("span", isBest ? "logprob best" : "logprob", formatLogprob(c.stepLogprob));
      lp.title = isBest ? "the base model's favourite" : "log-probability of this segment";
      b.append(key, text, lp);
      b.addEventListener("click", () => this.actions.choose(i));
      li.append(b);
      this.list.append(li);
    });
  }
}

export function renderClarification(target: HTMLElement, store: SessionStore, actions: SessionActions): void {
  target.replaceChildren();
  const d = store.page.pendingClarification;
  target.hidden = !d;
  if (!d) return;
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
      store.nodes.get(id)?.text ?? id,
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

/**
 * One step of the path you are on: the segment on the path (which after a checkout may be one the decision
 * rejected), with the decision's action, reason and gap.
 */
function historyLine(d: DecisionSummary, onPath: NodeSummary | null, store: SessionStore, step: number): HTMLElement {
  const li = el("li", `history-${d.action ?? "open"}`);
  const head = el("div", "history-head");
  head.append(el("span", "step", `#${step}`));
  const offChoice = onPath !== null && d.action === "choose" && d.chosenNodeId !== onPath.id;
  head.append(el("span", "action-name", offChoice ? "branch" : (d.action ?? "open")));
  if (onPath) head.append(el("q", "", onPath.text));
  if (d.chosenBy && !offChoice) head.append(el("span", "by", d.chosenBy));
  if (d.logprobGap !== null && !offChoice)
    head.append(el("span", d.logprobGap < -2 ? "gap diverged" : "gap", `gap ${formatLogprob(d.logprobGap)}`));
  li.append(head);
  if (offChoice) {
    const chosen = d.chosenNodeId ? store.nodes.get(d.chosenNodeId)?.text : undefined;
    const note = el("div", "history-branch", `you are on a candidate this decision rejected`);
    if (chosen !== undefined) note.textContent += ` (${d.chosenBy ?? "it"} chose “${chosen}”)`;
    li.append(note);
  }
  if (d.clarificationQuestion)
    li.append(
      el(
        "div",
        "history-clar",
        `asked: ${d.clarificationQuestion}${d.humanResponse ? ` — answered: ${d.humanResponse}` : ""}`,
      ),
    );
  if (d.reason && !offChoice) li.append(el("div", "reason", d.reason));
  return li;
}

/** Steps kept in the history panel at once (earlier ones come back on demand). */
const HISTORY_WINDOW = 150;

/** The history of the path you are on, oldest first, windowed like the text; new steps are appended. */
export class HistoryView {
  private readonly list = el("ol", "history");
  private readonly earlier = el("button", "action small earlier", "");
  /** The path's nodes after the root, and how many of them are listed (the last `shown`). */
  private steps: NodeSummary[] = [];
  private first = 0;
  private stopLine: HTMLElement | null = null;
  private store: SessionStore | null = null;
  private end: ScrollEnd | null = null;

  constructor(readonly element: HTMLElement) {
    this.earlier.dataset.testid = "earlier-history";
    this.earlier.addEventListener("click", () => this.showEarlier());
    element.replaceChildren(this.earlier, this.list);
  }

  /** The scrolling box around the history (its panel, once the view is on the page). */
  private get scroller(): ScrollEnd {
    this.end ??= new ScrollEnd(this.element.parentElement ?? this.element);
    return this.end;
  }

  settle(): void {
    this.scroller.settle();
  }

  private line(i: number): HTMLElement | null {
    const n = this.steps[i]!;
    const d = n.decisionId ? this.store!.records.get(n.decisionId) : undefined;
    return d ? historyLine(d, n, this.store!, i + 1) : null;
  }

  private updateEarlier(): void {
    this.earlier.hidden = this.first === 0;
    this.earlier.textContent = `↑ earlier steps (${this.first})`;
  }

  renderAll(store: SessionStore): void {
    this.store = store;
    this.steps = store.page.path.slice(1);
    this.first = Math.max(0, this.steps.length - HISTORY_WINDOW);
    const frag = document.createDocumentFragment();
    for (let i = this.first; i < this.steps.length; i++) {
      const li = this.line(i);
      if (li) frag.append(li);
    }
    this.list.replaceChildren(frag);
    this.stopLine = null;
    this.updateEarlier();
    this.markStop(store);
    this.scroller.following = true;
  }

  /** Add the steps of `nodes` (new at the end of the path). */
  append(store: SessionStore, nodes: NodeSummary[]): void {
    this.store = store;
    this.stopLine?.remove();
    for (const n of nodes) {
      this.steps.push(n);
      const li = this.line(this.steps.length - 1);
      if (li) this.list.append(li);
    }
    if (this.scroller.following && this.steps.length - this.first > HISTORY_WINDOW * 1.5) {
      const drop = this.steps.length - this.first - HISTORY_WINDOW;
      for (let i = 0; i < drop; i++) this.list.firstElementChild?.remove();
      this.first += drop;
      this.updateEarlier();
    }
    this.markStop(store);
  }

  private showEarlier(): void {
    const from = Math.max(0, this.first - HISTORY_WINDOW);
    const frag = document.createDocumentFragment();
    for (let i = from; i < this.first; i++) {
      const li = this.line(i);
      if (li) frag.append(li);
    }
    this.list.prepend(frag);
    this.first = from;
    this.updateEarlier();
  }

  private markStop(store: SessionStore): void {
    this.stopLine?.remove();
    this.stopLine = null;
    const last = store.page.history[store.page.history.length - 1];
    if (store.page.stopped && last?.action === "stop") {
      this.stopLine = historyLine(last, null, store, this.steps.length + 1);
      this.list.append(this.stopLine);
    }
  }
}
