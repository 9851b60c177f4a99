// One session on the page: loads it once, applies its live events in place, wires the panels, the tree and the keyboard to the API.
import {
  type ApiClient,
  ApiError,
  type Glance,
  type LookAheadEstimate,
  type NodeSummary,
  type SearchResults,
} from "./api-client.js";
import { BriefPanel } from "./brief-panel.js";
import { GenerationPanel } from "./generation-panel.js";
import { HeldPathsPanel } from "./held-paths-panel.js";
import { actionButton, el, fieldForm } from "./format.js";
import { renderInspector } from "./inspector-view.js";
import type { BranchBody } from "./token-branch-view.js";
import { ShortcutGuard } from "./shortcut-guard.js";
import { mergeChanges, noChanges, SessionStore, type Changes } from "./session-store.js";
import { CandidatesView, HistoryView, renderClarification, TextView, type SessionActions } from "./session-views.js";
import { TreeView } from "./tree-view.js";
import { treeWorkPanel } from "./tree-work-panel.js";
import { UnreadMarks } from "./unread-marks.js";

const FLUSH_EVERY_MS = 250;

const EVENT_TYPES = [
  "hello",
  "step-started",
  "candidates",
  "decision",
  "clarification-asked",
  "clarification-answered",
  "tip-changed",
  "tree-changed",
  "expanded",
  "stopped",
  "run-started",
  "run-finished",
  "failure",
  "usage",
  "brief-changed",
  "brief-change-proposed",
  "brief-change-answered",
];

/** Events after which the brief panel reads the brief again. */
const BRIEF_EVENTS = new Set(["brief-changed", "brief-change-proposed", "brief-change-answered", "run-finished"]);

export class SessionApp {
  private store: SessionStore | null = null;
  /** The look-ahead's depth and width as last asked for, so the inspector's fields keep them. */
  private lookAheadShape = { depth: 2, width: 3 };
  /** The session's subtree notes (generator.subtreeNotes), read with the settings and kept after each change. */
  private subtreeNotes: Record<string, string> = {};
  private busy: string | null = null;
  private selected: string | null = null;
  private syncing: Promise<void> | null = null;
  private dirty = false;
  private events: EventSource | null = null;
  private connection = "loading";
  private pending: Changes = noChanges();
  private frame = 0;
  private lastFlush = -Infinity;
  private readonly ui: Record<
    "status" | "notice" | "error" | "clarification" | "inspector" | "confirm" | "follow",
    HTMLElement
  >;
  private readonly text: TextView;
  private readonly candidates: CandidatesView;
  private readonly history: HistoryView;
  private readonly tree: TreeView;
  private readonly actions: SessionActions;
  private readonly guard = new ShortcutGuard();
  private readonly brief: BriefPanel;
  private readonly generation: GenerationPanel;
  private readonly held: HeldPathsPanel;
  private readonly unread: UnreadMarks;
  /** The node a "Move…" waits to hang under the next node clicked in the tree. */
  private moving: string | null = null;
  private inspectSeq = 0;
  private reloading: Promise<void> | null = null;
  private reloadAgain = false;
  private readonly treeWorkUi: Record<
    "undo" | "redo" | "results" | "moveHint" | "showPruned" | "wholeTree",
    HTMLElement
  >;

  /**
   * `glance` is the glance already asked for (main asks before the page is built, so the answer is on its way
   * while the views are made); else it is asked for at start.
   */
  constructor(
    root: HTMLElement,
    private readonly api: ApiClient,
    private readonly sessionId: string,
    private readonly glance: Promise<Glance> | null = null,
  ) {
    const layout = el("div", "session");
    const left = el("section", "left");
    const right = el("section", "right");
    this.ui = {
      status: el("div", "status"),
      notice: el("div", "notice"),
      error: el("div", "error"),
      clarification: el("div", "clarification"),
      inspector: el("aside", "inspector"),
      confirm: el("div", "confirm"),
      follow: el("label", "follow"),
    };
    this.ui.status.setAttribute("role", "status");
    this.ui.status.dataset.testid = "status";
    this.ui.notice.dataset.testid = "notice";
    this.ui.notice.setAttribute("aria-live", "polite");
    this.ui.notice.hidden = true;
    this.ui.error.setAttribute("role", "alert");
    this.ui.inspector.dataset.testid = "inspector";
    this.ui.clarification.dataset.testid = "clarification";
    this.ui.clarification.hidden = true;
    this.ui.confirm.hidden = true;
    this.ui.confirm.dataset.testid = "confirm";
    const textBox = el("div", "text");
    textBox.dataset.testid = "text";
    textBox.tabIndex = 0;
    textBox.setAttribute("aria-label", "The text so far");
    const candidatesBox = el("div", "candidates-panel");
    candidatesBox.dataset.testid = "candidates";
    candidatesBox.setAttribute("aria-live", "polite");
    this.brief = new BriefPanel(api, this.base, (err) => this.showError(err));
    this.generation = new GenerationPanel(api, this.base, (err) => this.showError(err));
    this.held = new HeldPathsPanel({
      hold: () => void this.act("holding…", () => this.post("paths/hold", {})),
      switchTo: (tipId) => void this.act("switching…", () => this.post("paths/switch", { to: tipId })),
    });
    left.append(
      this.ui.status,
      this.brief.element,
      this.generation.element,
      this.brief.approval,
      this.ui.notice,
      this.ui.error,
      textBox,
      this.ui.clarification,
      this.ui.confirm,
      candidatesBox,
      this.held.element,
    );

    const treeBox = el("div", "tree");
    treeBox.dataset.testid = "tree";
    const treeBar = el("div", "tree-bar");
    const legend = el("span", "legend");
    for (const [cls, label] of [
      ["path", "current path"],
      ["open", "open"],
      ["chosen", "chosen elsewhere"],
      ["rejected", "rejected"],
      ["clar", "clarification"],
    ] as const) {
      legend.append(el("i", `dot dot-${cls}`), el("span", "", label));
    }
    const followBox = el("input");
    followBox.type = "checkbox";
    followBox.checked = true;
    followBox.dataset.testid = "follow-toggle";
    this.ui.follow.append(followBox, " follow");
    this.ui.follow.title = "Keep the tip of the text in view as it grows";
    const fit = el("button", "action small", "Fit");
    const tip = el("button", "action small", "Tip");
    const exportBar = el("span", "export");
    exportBar.append(el("span", "", "Export:"));
    for (const [format, label] of [
      ["md", "Markdown"],
      ["json", "JSON"],
      ["dot", "DOT"],
      ["txt", "Text"],
    ] as const) {
      const b = el("button", "action small", label);
      b.dataset.testid = `export-${format}`;
      b.addEventListener("click", () => void this.download(format));
      exportBar.append(b);
    }
    const purged = actionButton("JSON without pruned", "export-json-purged", () => void this.download("json", true));
    exportBar.append(purged);
    treeBar.append(legend, this.ui.follow, fit, tip, exportBar);
    this.unread = new UnreadMarks(sessionId);
    const workBar = el("div", "tree-bar tree-work-bar");
    const undo = actionButton(
      "Undo",
      "undo-button",
      () => void this.treeChange("undoing…", () => this.post("undo", {})),
    );
    const redo = actionButton(
      "Redo",
      "redo-button",
      () => void this.treeChange("redoing…", () => this.post("redo", {})),
    );
    const search = fieldForm({
      className: "tree-search",
      type: "search",
      placeholder: "Search the tree",
      label: "Search every node's text, reasons and tags",
      testid: "search-input",
      button: "Search",
      buttonTestid: "search-button",
      submit: (q) => void this.search(q),
    });
    const showPrunedLabel = el("label", "show-pruned");
    const showPruned = el("input");
    showPruned.type = "checkbox";
    showPruned.dataset.testid = "show-pruned";
    showPrunedLabel.append(showPruned, " show pruned");
    showPruned.addEventListener("change", () => this.tree.setShape({ showPruned: showPruned.checked }));
    const wholeTree = actionButton("Whole tree", "unhoist-button", () => this.hoist(null));
    wholeTree.hidden = true;
    const markRead = actionButton("Mark all read", "mark-read", () => {
      this.unread.readAll();
      this.refreshMarks();
    });
    const moveHint = el("span", "move-hint");
    moveHint.dataset.testid = "move-hint";
    moveHint.hidden = true;
    workBar.append(undo, redo, search, showPrunedLabel, wholeTree, markRead, moveHint);
    const results = el("ol", "search-results");
    results.dataset.testid = "search-results";
    results.hidden = true;
    this.treeWorkUi = { undo, redo, results, moveHint, showPruned, wholeTree };
    const historyBox = el("div", "history-panel");
    historyBox.dataset.testid = "history";
    const lower = el("div", "lower");
    const historyWrap = el("section", "history-wrap");
    historyWrap.append(el("h3", "", "History of this path"), historyBox);
    lower.append(this.ui.inspector, historyWrap);
    // One grid row for the bars and the search hits (a hidden list takes no row of its own).
    const head = el("div", "tree-head");
    head.append(treeBar, workBar, results);
    right.append(head, treeBox, lower);
    layout.append(left, right);
    root.replaceChildren(layout);

    this.tree = new TreeView(treeBox, {
      onSelect: (id) => this.selectNode(id),
      onCheckout: (id) => void this.act("checking out…", () => this.post("checkout", { nodeId: id })),
      onFollowChange: (on) => (followBox.checked = on),
    });
    followBox.addEventListener("change", () => this.tree.setFollow(followBox.checked));
    fit.addEventListener("click", () => this.tree.fit());
    tip.addEventListener("click", () => this.store && this.tree.focus(this.store.tip));
    (window as unknown as { loomTree: TreeView }).loomTree = this.tree;

    this.actions = {
      choose: (i) => {
        const open = this.store?.page.open;
        const c = open?.candidates[i];
        if (c && open) this.chooseNode(open.decision.id, c.id);
      },
      generate: () => void this.act("generating…", () => this.post("generate", {})),
      reroll: () => void this.act("rerolling…", () => this.post("reroll", {})),
      stop: () => this.confirmStop(),
      write: (text) => void this.act("writing…", () => this.post("write", { text })),
      answer: (decisionId, answer, nodeId) =>
        void this.act("answering…", () =>
          this.api.call(
            "POST",
            `${this.base}/clarifications/${encodeURIComponent(decisionId)}/answer`,
            nodeId ? { answer, action: "choose", nodeId } : { answer, action: "stop" },
          ),
        ),
      back: () => {
        const path = this.store?.page.currentPath;
        if (path && path.length > 1)
          void this.act("going back…", () => this.post("checkout", { nodeId: path[path.length - 2] }));
      },
      switchTo: (nodeId) => void this.act("switching…", () => this.post("checkout", { nodeId })),
      run: () => void this.act(null, () => this.post("run", {})),
      cancelRun: () => void this.act(null, () => this.post("run/cancel", {})),
    };
    this.text = new TextView(textBox);
    this.candidates = new CandidatesView(candidatesBox, this.actions);
    this.history = new HistoryView(historyBox);
    document.addEventListener("keydown", (e) => this.key(e));
  }

  private get base(): string {
    return `/api/sessions/${encodeURIComponent(this.sessionId)}`;
  }

  async start(): Promise<void> {
    // Events open once the session loads: a tab without the server's token is asked for it, not left retrying.
    // A session not open on the server yet takes seconds to open when big; its stored digest answers at once.
    // Asked first and alone: the reads of the whole session would start the open that keeps the server busy.
    await (this.glance ?? this.api.glance(this.sessionId)).then(
      (g) => {
        if (!this.store && g.read !== "open") this.renderGlance(g);
      },
      () => {},
    );
    try {
      const { summary, tree } = await this.api.session(this.sessionId);
      this.store = new SessionStore(summary, tree);
    } catch (err) {
      this.showError(err);
      return;
    }
    this.renderAll();
    void this.brief.refresh();
    void this.generation.refresh().then((s) => {
      if (s) this.subtreeNotes = (s as { subtreeNotes?: Record<string, string> }).subtreeNotes ?? {};
    });
    this.events = this.api.events(this.sessionId);
    this.events.onopen = () => this.setConnection("live");
    this.events.onerror = () => this.setConnection("reconnecting…");
    for (const type of EVENT_TYPES) {
      this.events.addEventListener(type, (e) => this.onEvent(type, (e as MessageEvent<string>).data));
    }
  }

  private onEvent(type: string, raw: string): void {
    const store = this.store;
    if (!store) return;
    // Tree work moves, splits, merges and hides nodes: the page reads the session again rather than patch it.
    if (type === "tree-changed") {
      void this.reload();
      return;
    }
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    if (BRIEF_EVENTS.has(type)) void this.brief.refresh();
    this.pending = mergeChanges(this.pending, store.apply(type, data));
    // Events of a fast run arrive in bursts (one network chunk, one task): the DOM is touched at most once a
    // frame, and no more often than FLUSH_EVERY_MS, so a run's steps fold into few layouts.
    if (this.frame) return;
    const wait = Math.max(0, this.lastFlush + FLUSH_EVERY_MS - performance.now());
    this.frame = window.setTimeout(() => requestAnimationFrame(() => this.flush()), wait);
  }

  private flush(): void {
    this.frame = 0;
    this.lastFlush = performance.now();
    const c = this.pending;
    this.pending = noChanges();
    if (this.store) this.applyChanges(c);
  }

  private applyChanges(c: Changes): void {
    const store = this.store!;
    if (c.appended.length) {
      this.text.append(store, c.appended);
      this.history.append(store, c.appended);
    } else if (c.history) this.history.append(store, []);
    if (c.candidates || c.status) {
      this.text.markStopped(store.page.stopped);
      this.candidates.render(store, this.busy);
    }
    if (c.status) this.renderStatus();
    // Both panels scroll after both have changed: one layout for the whole update.
    this.text.settle();
    this.history.settle();
    if (c.tree || c.appended.length) {
      this.tree.update(this.treeSource());
      this.refreshMarks();
    }
    document.body.dataset.version = String(store.version);
    if (c.resync) void this.sync();
    if (c.retree) void this.retree();
  }

  /** Read the tree again for nodes made between the first read and the live stream (rare: only a busy session). */
  private async retree(): Promise<void> {
    try {
      const tree = await this.api.tree(this.sessionId);
      if (this.store?.addTree(tree)) this.tree.update(this.treeSource());
    } catch (err) {
      this.showError(err);
    }
  }

  private treeSource() {
    const store = this.store!;
    // An iterable (not an iterator): a layout that has to run again reads the nodes again.
    const nodes = { [Symbol.iterator]: () => store.nodes.values() };
    return { nodes, decisions: store.decisions, currentPath: store.page.currentPath };
  }

  /** The text and the tree around the tip, shown while the whole session is read. */
  private renderGlance(g: Glance): void {
    const path: NodeSummary[] = g.path.map((id, i) => ({
      id,
      parentId: i ? g.path[i - 1]! : null,
      text: g.texts[i] ?? "",
      stepLogprob: null,
      decisionId: null,
      chosenBy: null,
      origin: i ? "generated" : "seed",
    }));
    this.text.renderPath(path, false);
    this.ui.status.textContent = `${this.sessionId} · opening… · ${g.stats.depth} steps · ${g.stats.nodes} nodes`;
    const shown = new Set(g.tree.map((r) => r.id));
    const nodes: NodeSummary[] = g.tree.map((r) => ({
      id: r.id,
      // The window's top hangs from a node it does not show: drawn as the root of what is shown.
      parentId: r.parentId !== null && shown.has(r.parentId) ? r.parentId : null,
      text: r.text,
      stepLogprob: r.stepLogprob,
      decisionId: null,
      chosenBy: r.chosenBy as NodeSummary["chosenBy"],
      origin: "generated",
    }));
    this.tree.update({ nodes, decisions: new Map(), currentPath: g.path, partial: true });
  }

  private setConnection(text: string): void {
    this.connection = text;
    this.renderStatus();
  }

  private renderStatus(): void {
    const page = this.store?.page;
    const size = page ? ` · ${page.currentPath.length - 1} steps · ${this.store!.nodes.size} nodes` : "";
    this.ui.status.textContent = `${this.sessionId} · ${this.connection}${page?.running ? " · selector running" : ""}${size}`;
    this.ui.status.dataset.state = this.connection;
    if (page) this.held.render(page, this.busy !== null);
    const notice = this.store?.notice ?? null;
    this.ui.notice.hidden = notice === null;
    this.ui.notice.replaceChildren();
    if (notice) {
      this.ui.notice.dataset.reason = notice.reason;
      this.ui.notice.append(el("span", "", notice.text));
      if (notice.reason === "max-tokens") this.ui.notice.append(this.raiseBudget());
    }
  }

  /** The budget's way on: a bigger maxTokensTotal for this session, then run (or write) further. */
  private raiseBudget(): HTMLElement {
    const form = el("form", "raise-budget");
    const config = this.store?.page.config as { maxTokensTotal?: number } | undefined;
    const current = Number(config?.maxTokensTotal ?? 1500);
    const input = el("input");
    input.type = "number";
    input.min = String(current + 1);
    input.value = String(current * 2);
    input.dataset.testid = "budget-input";
    input.setAttribute("aria-label", "New token budget");
    const b = el("button", "action small", "Raise the budget");
    b.type = "submit";
    b.dataset.testid = "raise-budget";
    form.append(input, b);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const maxTokensTotal = Number(input.value);
      void this.act("raising the budget…", () => this.post("budget", { maxTokensTotal })).then(() => {
        if (!this.ui.error.textContent && this.store)
          this.store.notice = { reason: "budget", detail: null, text: `The token budget is now ${maxTokensTotal}.` };
        this.renderStatus();
      });
    });
    return form;
  }

  /** Read the summary again (path, history, open decision); requests that arrive meanwhile fold into one more. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.dirty = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.dirty = false;
        try {
          const summary = await this.api.summary(this.sessionId);
          const store = this.store;
          if (!store) continue;
          const before = store.page.path;
          if (!store.mergeSummary(summary)) continue;
          this.renderSynced(before);
        } catch (err) {
          this.showError(err);
        }
      } while (this.dirty);
      this.syncing = null;
    })();
    return this.syncing;
  }

  /**
   * After a summary read: when the path only grew (or stayed), append instead of redrawing the whole text. The
   * nodes already drawn must keep their text too: a split keeps the node's id for its first half.
   */
  private renderSynced(before: readonly NodeSummary[]): void {
    const store = this.store!;
    const now = store.page.path;
    const grew = now.length >= before.length && before.every((n, i) => now[i]!.id === n.id && now[i]!.text === n.text);
    if (!grew) return this.renderAll();
    const appended = store.page.path.slice(before.length);
    renderClarification(this.ui.clarification, store, this.actions);
    const c = noChanges();
    c.appended = appended;
    c.candidates = c.status = c.history = true;
    c.tree = true;
    this.applyChanges(c);
  }

  private renderAll(): void {
    const store = this.store;
    if (!store) return;
    document.title = `Loom · ${store.page.brief.title || store.page.id}`;
    this.renderStatus();
    this.text.renderAll(store);
    renderClarification(this.ui.clarification, store, this.actions);
    this.candidates.render(store, this.busy);
    this.history.renderAll(store);
    this.history.settle();
    this.tree.update(this.treeSource());
    this.refreshMarks();
    document.body.dataset.version = String(store.version);
  }

  /** The session's marks, undo/redo and unread nodes, onto the tree and the tree-work bar. */
  private refreshMarks(): void {
    const store = this.store;
    if (!store) return;
    const page = store.page;
    this.unread.learn(store.nodes.keys(), page.currentPath);
    this.tree.setShape({ pruned: new Set(page.marks.pruned) });
    this.tree.setMarks({ bookmarks: new Set(page.marks.bookmarks), unread: new Set(this.unread.unread) });
    const { undo, redo } = this.treeWorkUi;
    (undo as HTMLButtonElement).disabled = page.undo === null;
    undo.title = page.undo ? `Undo ${page.undo}` : "Nothing to undo";
    (redo as HTMLButtonElement).disabled = page.redo === null;
    redo.title = page.redo ? `Redo ${page.redo}` : "Nothing to redo";
  }

  /** Read the whole session again after tree work (ours or another client's); calls meanwhile fold into one more. */
  private reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        try {
          const { summary, tree } = await this.api.session(this.sessionId);
          this.store = new SessionStore(summary, tree);
          this.renderAll();
          if (this.selected && this.store.nodes.has(this.selected)) this.inspect(this.selected);
        } catch (err) {
          this.showError(err);
        }
      } while (this.reloadAgain);
      this.reloading = null;
    })();
    return this.reloading;
  }

  /** A tree-work request, then the session read again. */
  private async treeChange(label: string, work: () => Promise<unknown>): Promise<void> {
    await this.act(label, work);
    await this.reload();
  }

  private selectNode(id: string): void {
    if (this.moving) {
      const nodeId = this.moving;
      this.moving = null;
      this.treeWorkUi.moveHint.hidden = true;
      if (id !== nodeId)
        void this.treeChange("moving…", () => this.post(`nodes/${encodeURIComponent(nodeId)}/move`, { parentId: id }));
      return;
    }
    this.inspect(id);
  }

  private hoist(nodeId: string | null): void {
    this.tree.setShape({ hoist: nodeId });
    this.treeWorkUi.wholeTree.hidden = nodeId === null;
    if (this.selected) this.inspect(this.selected);
  }

  /** Search the session; hits are listed as paths and ringed in the tree. */
  private async search(q: string): Promise<void> {
    const list = this.treeWorkUi.results;
    if (!q) {
      list.hidden = true;
      list.replaceChildren();
      this.tree.setMarks({ highlights: new Set() });
      return;
    }
    try {
      const { hits } = await this.api.call<SearchResults>(
        "GET",
        `${this.base}/search?q=${encodeURIComponent(q)}&paths=1&limit=200`,
      );
      this.tree.setMarks({ highlights: new Set(hits.map((h) => h.nodeId)) });
      list.replaceChildren();
      list.hidden = false;
      list.dataset.count = String(hits.length);
      if (hits.length === 0) list.append(el("li", "none", `No node holds "${q}".`));
      for (const h of hits) {
        const item = el("li", "hit");
        const b = el("button", "hit-button");
        b.type = "button";
        b.dataset.nodeId = h.nodeId;
        b.append(el("span", "hit-snippet", h.snippet), el("span", "hit-path", this.pathLabel(h.path ?? [h.nodeId])));
        b.title = `${h.field} · depth ${h.depth}${h.branchesFrom ? ` · branches from the current path at ${h.branchesFrom}` : " · on the current path"}`;
        b.addEventListener("click", () => this.jump(h.nodeId, h.path ?? []));
        item.append(b);
        list.append(item);
      }
    } catch (err) {
      this.showError(err);
    }
  }

  /** A path as its steps' first words: the seed › … › the hit. */
  private pathLabel(path: readonly string[]): string {
    const word = (id: string) => {
      const t = (this.store?.nodes.get(id)?.text ?? "").replace(/\s+/g, " ").trim();
      return t.length > 14 ? `${t.slice(0, 13)}…` : t || "·";
    };
    const shown = path.length > 6 ? [...path.slice(0, 2).map(word), "…", ...path.slice(-3).map(word)] : path.map(word);
    return shown.join(" › ");
  }

  /** Show a node: out of a hoist that hides it, its folded ancestors opened; then select and inspect it. */
  private jump(nodeId: string, path: readonly string[]): void {
    const shape = this.tree.currentShape;
    if (shape.hoist && !path.includes(shape.hoist)) this.hoist(null);
    const collapsed = new Set([...shape.collapsed].filter((id) => id === nodeId || !path.includes(id)));
    if (collapsed.size !== shape.collapsed.size) this.tree.setShape({ collapsed });
    this.tree.reveal(nodeId);
    this.inspect(nodeId);
  }

  private showError(err: unknown): void {
    this.ui.error.textContent =
      err instanceof ApiError ? `${err.message} (${err.status})` : String((err as Error).message ?? err);
  }

  private post(path: string, body: unknown): Promise<unknown> {
    return this.api.call("POST", `${this.base}/${path}`, body);
  }

  private async act(label: string | null, work: () => Promise<unknown>): Promise<void> {
    if (this.busy) return;
    this.busy = label ?? "working…";
    this.ui.error.textContent = "";
    if (this.store) {
      this.store.notice = null;
      this.renderStatus();
      this.candidates.render(this.store, this.busy);
    }
    try {
      await work();
    } catch (err) {
      this.showError(err);
    } finally {
      this.busy = null;
      await this.sync();
      this.renderStatus();
    }
  }

  /** A question in the confirm box with its two answers; `yes` runs only on the first. */
  private ask(
    question: string,
    yes: { label: string; testid: string; danger?: boolean },
    no: { label: string; testid: string },
    onYes: () => void,
  ): void {
    const box = this.ui.confirm;
    if (!box.hidden) return;
    box.replaceChildren(el("span", "", question));
    const yesButton = el("button", yes.danger ? "action danger" : "action", yes.label);
    yesButton.dataset.testid = yes.testid;
    const noButton = el("button", "action", no.label);
    noButton.dataset.testid = no.testid;
    const close = () => {
      box.hidden = true;
      box.replaceChildren();
    };
    yesButton.addEventListener("click", () => {
      close();
      onYes();
    });
    noButton.addEventListener("click", close);
    box.append(yesButton, noButton);
    box.hidden = false;
    noButton.focus();
  }

  /** Stop asks first: a stray key or click must not end the piece. */
  private confirmStop(): void {
    this.ask(
      "Stop here? The piece ends at this point (you can branch again later).",
      { label: "Stop the piece", testid: "confirm-stop", danger: true },
      { label: "Keep writing", testid: "cancel-stop" },
      () => {
        const open = this.store?.page.open;
        void this.act("stopping…", () => this.post("stop", open ? { decisionId: open.decision.id } : {}));
      },
    );
  }

  /**
   * A look-ahead below a node: its estimate first; a paid service's cost is put to the writer before any call.
   * The nodes arrive in the tree live (`expanded` events) while it runs.
   */
  private async lookAhead(nodeId: string, depth: number, width: number): Promise<void> {
    this.lookAheadShape = { depth, width };
    const path = `nodes/${encodeURIComponent(nodeId)}/expand`;
    let estimate: LookAheadEstimate;
    try {
      ({ estimate } = await this.api.call<{ estimate: LookAheadEstimate }>(
        "GET",
        `${this.base}/${path}?depth=${depth}&width=${width}`,
      ));
    } catch (err) {
      this.showError(err);
      return;
    }
    const go = () =>
      void this.act(`looking ahead: ${estimate.nodes} nodes…`, () =>
        this.post(path, { depth, width, confirm: estimate.paid }),
      );
    if (!estimate.paid) return go();
    const paid = estimate.generators.filter((g) => g.hosted || g.costUsd !== null);
    const cost =
      estimate.costUsd !== null ? `about $${estimate.costUsd.toFixed(4)}` : "a cost this server has no price for";
    this.ask(
      `Look ahead ${estimate.nodes} nodes? ${estimate.requests} requests to ${paid.map((g) => g.model || g.provider).join(", ")}: ${cost}.`,
      { label: `Generate ${estimate.nodes} nodes`, testid: "confirm-look-ahead" },
      { label: "Cancel", testid: "cancel-look-ahead" },
      go,
    );
  }

  chooseNode(decisionId: string, nodeId: string): void {
    void this.act("choosing…", async () => {
      const reply = (await this.post("choose", { decisionId, nodeId })) as { open: unknown };
      // A human session moves straight on to the next step's candidates.
      const page = this.store?.page;
      if (reply.open === null && page && !page.stopped && !page.running) {
        this.busy = "generating…";
        this.candidates.render(this.store!, this.busy);
        await this.post("generate", {});
      }
    });
  }

  private async download(format: "md" | "json" | "dot" | "txt", purge = false): Promise<void> {
    try {
      const headers: Record<string, string> = this.api.token ? { authorization: `Bearer ${this.api.token}` } : {};
      const res = await fetch(`${this.base}/export?format=${format}${purge ? "&purge=1" : ""}`, { headers });
      if (!res.ok) throw new ApiError(res.status, "export_failed", `export as ${format} failed`);
      const url = URL.createObjectURL(await res.blob());
      const a = el("a");
      a.href = url;
      a.download = `${this.sessionId}.${format}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      this.showError(err);
    }
  }

  private inspect(nodeId: string): void {
    this.selected = nodeId;
    this.tree.select(nodeId);
    if (this.unread.read(nodeId)) this.tree.setMarks({ unread: new Set(this.unread.unread) });
    if (!this.store) return;
    const page = this.store.page;
    const shape = this.tree.currentShape;
    // Only the latest request draws; the inspector says it is loading until then (tests wait on it too).
    const seq = ++this.inspectSeq;
    this.ui.inspector.dataset.loading = "true";
    renderInspector(
      this.ui.inspector,
      this.api,
      page,
      nodeId,
      {
        checkout: (id) => void this.act("checking out…", () => this.post("checkout", { nodeId: id })),
        chooseNode: (d, n) => this.chooseNode(d, n),
        branch: (id, body) => void this.branchAt(id, body),
      },
      (node) =>
        treeWorkPanel(
          page,
          node,
          {
            collapsed: shape.collapsed.has(node.id),
            hoisted: shape.hoist === node.id,
            hasChildren: [...(this.store?.nodes.values() ?? [])].some((n) => n.parentId === node.id),
            lookAhead: this.lookAheadShape,
            subtreeNote: this.subtreeNotes[node.id] ?? "",
          },
          {
            work: (id, action, body) =>
              void this.treeChange(`${action}…`, () => this.post(`nodes/${encodeURIComponent(id)}/${action}`, body)),
            startMove: (id) => {
              this.moving = id;
              this.treeWorkUi.moveHint.textContent = "Click the node to move it under (Esc cancels).";
              this.treeWorkUi.moveHint.hidden = false;
            },
            toggleCollapse: (id) => {
              const collapsed = new Set(this.tree.currentShape.collapsed);
              if (!collapsed.delete(id)) collapsed.add(id);
              this.tree.setShape({ collapsed });
              this.inspect(id);
            },
            hoist: (id) => this.hoist(id),
            lookAhead: (id, depth, width) => void this.lookAhead(id, depth, width),
            subtreeNote: (id, note) => void this.setSubtreeNote(id, note),
          },
        ),
      () => seq === this.inspectSeq,
    )
      .catch((err: unknown) => this.showError(err))
      .finally(() => {
        if (seq === this.inspectSeq) delete this.ui.inspector.dataset.loading;
      });
  }

  /** Set or remove the note for the subtree below `nodeId`: the session's notes, read fresh, with this one changed. */
  private async setSubtreeNote(nodeId: string, note: string): Promise<void> {
    await this.act("saving the note…", async () => {
      const base = `${this.base}/generation`;
      const current = (await this.api.call("GET", base)) as { subtreeNotes?: Record<string, string> };
      const notes = { ...(current.subtreeNotes ?? {}) };
      if (note) notes[nodeId] = note;
      else delete notes[nodeId];
      await this.api.call("PUT", base, { subtreeNotes: notes });
      this.subtreeNotes = notes;
    });
    this.inspect(nodeId);
  }

  /** Branch inside a node at a token; the new sibling (the tip now) is shown in the tree and inspected. */
  private async branchAt(nodeId: string, body: BranchBody): Promise<void> {
    let made: string | null = null;
    await this.treeChange("branching…", async () => {
      made = ((await this.post(`nodes/${encodeURIComponent(nodeId)}/branch`, body)) as { nodeId: string }).nodeId;
    });
    if (made && this.store?.nodes.has(made)) {
      this.tree.reveal(made);
      this.inspect(made);
    }
  }

  private key(e: KeyboardEvent): void {
    if (e.key === "Escape" && this.moving) {
      this.moving = null;
      this.treeWorkUi.moveHint.hidden = true;
      return;
    }
    if (!this.guard.allows(e)) return;
    const open = this.store?.page.open;
    if (/^[1-9]$/.test(e.key)) this.actions.choose(Number(e.key) - 1);
    else if (e.key === "s" && (open || this.store?.page.pendingClarification)) this.actions.stop();
    else if (e.key === "r" && open) this.actions.reroll();
    else if (e.key === "g" && !open) this.actions.generate();
    else if (e.key === "b") this.actions.back();
    else return;
    e.preventDefault();
  }

  get selectedNode(): string | null {
    return this.selected;
  }
}
