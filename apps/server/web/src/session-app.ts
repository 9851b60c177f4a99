// One session on the page: loads it, follows its live events, wires the panels, the tree and the keyboard to the API.
import { ApiClient, ApiError, type SessionPage } from "./api-client.js";
import { el } from "./format.js";
import { renderInspector } from "./inspector-view.js";
import {
  renderCandidates,
  renderClarification,
  renderHistory,
  renderText,
  type SessionActions,
} from "./session-views.js";
import { TreeView } from "./tree-view.js";

export class SessionApp {
  private page: SessionPage | null = null;
  private busy: string | null = null;
  private selected: string | null = null;
  private refreshing: Promise<void> | null = null;
  private dirty = false;
  private events: EventSource | null = null;
  private readonly ui: Record<
    "status" | "error" | "text" | "candidates" | "clarification" | "history" | "inspector",
    HTMLElement
  >;
  private readonly tree: TreeView;
  private readonly actions: SessionActions;

  constructor(
    root: HTMLElement,
    private readonly api: ApiClient,
    private readonly sessionId: string,
  ) {
    const layout = el("div", "session");
    const left = el("section", "left");
    const right = el("section", "right");
    this.ui = {
      status: el("div", "status"),
      error: el("div", "error"),
      text: el("div", "text"),
      candidates: el("div", "candidates-panel"),
      clarification: el("div", "clarification"),
      history: el("div", "history-panel"),
      inspector: el("aside", "inspector"),
    };
    this.ui.text.dataset.testid = "text";
    this.ui.history.dataset.testid = "history";
    this.ui.inspector.dataset.testid = "inspector";
    this.ui.clarification.dataset.testid = "clarification";
    this.ui.clarification.hidden = true;
    left.append(
      this.ui.status,
      this.ui.error,
      this.ui.text,
      this.ui.clarification,
      this.ui.candidates,
      el("h3", "", "History"),
      this.ui.history,
    );
    const treeBox = el("div", "tree");
    treeBox.dataset.testid = "tree";
    const treeBar = el("div", "tree-bar");
    const fit = el("button", "action small", "Fit");
    const tip = el("button", "action small", "Tip");
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
    treeBar.append(legend, fit, tip);
    right.append(treeBar, treeBox, this.ui.inspector);
    layout.append(left, right);
    root.replaceChildren(layout);
    this.tree = new TreeView(treeBox, { onSelect: (id) => this.inspect(id) });
    fit.addEventListener("click", () => this.tree.fit());
    tip.addEventListener(
      "click",
      () => this.page && this.tree.focus(this.page.currentPath[this.page.currentPath.length - 1]!),
    );
    (window as unknown as { loomTree: TreeView }).loomTree = this.tree;

    this.actions = {
      choose: (i) => {
        const c = this.page?.open?.candidates[i];
        if (c && this.page?.open) this.chooseNode(this.page.open.decision.id, c.id);
      },
      generate: () => void this.act("generating…", () => this.post("generate", {})),
      reroll: () => void this.act("rerolling…", () => this.post("reroll", {})),
      stop: () =>
        void this.act("stopping…", () =>
          this.post("stop", this.page?.open ? { decisionId: this.page.open.decision.id } : {}),
        ),
      write: (text) => void this.act("writing…", () => this.post("write", { text })),
      answer: (decisionId, answer, nodeId) =>
        void this.act("answering…", () =>
          this.api.call(
            "POST",
            `${this.base}/clarifications/${encodeURIComponent(decisionId)}/answer`,
            nodeId ? { answer, action: "choose", nodeId } : { answer, action: "stop" },
          ),
        ),
      run: () => void this.act(null, () => this.post("run", {})),
      cancelRun: () => void this.act(null, () => this.post("run/cancel", {})),
    };
    document.addEventListener("keydown", (e) => this.key(e));
  }

  private get base(): string {
    return `/api/sessions/${encodeURIComponent(this.sessionId)}`;
  }

  async start(): Promise<void> {
    this.events = this.api.events(this.sessionId);
    this.events.onopen = () => this.setStatus("live");
    this.events.onerror = () => this.setStatus("reconnecting…");
    this.events.onmessage = () => this.refresh();
    for (const type of [
      "candidates",
      "decision",
      "clarification-asked",
      "clarification-answered",
      "tip-changed",
      "stopped",
      "run-started",
      "run-finished",
      "error",
    ]) {
      this.events.addEventListener(type, () => this.refresh());
    }
    await this.refresh();
  }

  private setStatus(text: string): void {
    this.ui.status.textContent = `${this.sessionId} · ${text}${this.page?.running ? " · selector running" : ""}`;
    this.ui.status.dataset.state = text;
  }

  /** Reload the session; calls that arrive while one is in flight fold into one more reload. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.dirty = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.dirty = false;
        try {
          const page = await this.api.session(this.sessionId);
          this.page = page;
          this.render();
        } catch (err) {
          this.showError(err);
        }
      } while (this.dirty);
      this.refreshing = null;
    })();
    return this.refreshing;
  }

  private render(): void {
    const page = this.page;
    if (!page) return;
    document.title = `Loom · ${page.brief.title || page.id}`;
    this.setStatus(this.ui.status.dataset.state ?? "loading");
    renderText(this.ui.text, page);
    renderClarification(this.ui.clarification, page, this.actions);
    renderCandidates(this.ui.candidates, page, this.busy, this.actions);
    renderHistory(this.ui.history, page);
    this.tree.update(page);
    document.body.dataset.version = String(page.version);
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
    this.render();
    try {
      await work();
    } catch (err) {
      this.showError(err);
    } finally {
      this.busy = null;
      await this.refresh();
    }
  }

  chooseNode(decisionId: string, nodeId: string): void {
    void this.act("choosing…", async () => {
      await this.post("choose", { decisionId, nodeId });
      // A human session moves straight on to the next step's candidates.
      this.busy = "generating…";
      await this.refresh();
      if (this.page && !this.page.stopped && !this.page.open && !this.page.running) await this.post("generate", {});
    });
  }

  private inspect(nodeId: string): void {
    this.selected = nodeId;
    if (!this.page) return;
    renderInspector(this.ui.inspector, this.api, this.page, nodeId, {
      checkout: (id) => void this.act("checking out…", () => this.post("checkout", { nodeId: id })),
      chooseNode: (d, n) => this.chooseNode(d, n),
    }).catch((err: unknown) => this.showError(err));
  }

  private key(e: KeyboardEvent): void {
    const target = e.target as HTMLElement | null;
    if (
      target &&
      (target.tagName === "INPUT" ||
        target.tagName === "TEXTAREA" ||
        target.tagName === "SELECT" ||
        target.isContentEditable)
    )
      return;
    if (e.metaKey || e.ctrlKey || e.altKey) return;
    if (/^[1-9]$/.test(e.key)) this.actions.choose(Number(e.key) - 1);
    else if (e.key === "s") this.actions.stop();
    else if (e.key === "r" && this.page?.open) this.actions.reroll();
    else if (e.key === "g" && !this.page?.open) this.actions.generate();
    else return;
    e.preventDefault();
  }

  get selectedNode(): string | null {
    return this.selected;
  }
}
