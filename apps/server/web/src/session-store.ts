// The page's copy of one session: the server's summary plus every node it has seen, kept current by applying live events in place.
import type { DecisionSummary, NodeSummary, OpenCandidate, SessionPage, TreeDecision, TreePage } from "./api-client.js";

/** What an applied event changed, so each view redraws only its own part. */
export interface Changes {
  /** Segments appended to the current text (the common case: a choice at the tip). */
  appended: NodeSummary[];
  /** The whole text / path changed (checkout, a fresh summary). */
  path: boolean;
  candidates: boolean;
  history: boolean;
  tree: boolean;
  status: boolean;
  /** The event carried too little to apply here; read the summary again. */
  resync: boolean;
  /** The tree read is older than the live stream: read the tree again for the nodes in between. */
  retree: boolean;
}

export function noChanges(): Changes {
  return {
    appended: [],
    path: false,
    candidates: false,
    history: false,
    tree: false,
    status: false,
    resync: false,
    retree: false,
  };
}

/** Two sets of changes as one (events folded into one redraw). */
export function mergeChanges(a: Changes, b: Changes): Changes {
  return {
    appended: a.path || b.path ? [] : [...a.appended, ...b.appended],
    path: a.path || b.path,
    candidates: a.candidates || b.candidates,
    history: a.history || b.history,
    tree: a.tree || b.tree,
    status: a.status || b.status,
    resync: a.resync || b.resync,
    retree: a.retree || b.retree,
  };
}

/** Why a run or a session ended, in words a writer reads. */
export interface EndNotice {
  reason: string;
  detail: string | null;
  text: string;
}

interface CandidatesEvent {
  decisionId: string;
  parentNodeId: string;
  candidates: { id: string; text: string; stepLogprob: number | null; model?: string | null }[];
  /** The decision record as the server holds it after the candidates were added. */
  decision?: DecisionSummary;
}

interface DecisionEvent {
  decisionId: string;
  action: "choose" | "clarify" | "stop";
  chosenNodeId: string | null;
  chosenBy: DecisionSummary["chosenBy"];
  chosenText: string | null;
  /** The resolved decision record as the server holds it. */
  decision?: DecisionSummary;
}

const END_WORDS: Record<string, string> = {
  selector: "The selector stopped: it judged the piece done.",
  "max-tokens": "The token budget is reached.",
  "max-steps": "The run reached its step limit.",
  aborted: "The run was cancelled.",
  "awaiting-clarification": "The selector asked a question and waits for your answer.",
  "agent-budget": "The agent ran out of its budget for a step.",
  error: "The run failed.",
};

export function endNotice(reason: string, detail: string | null): EndNotice {
  const words = END_WORDS[reason] ?? `The run ended (${reason}).`;
  return { reason, detail, text: detail ? `${words} (${detail})` : words };
}

export class SessionStore {
  page: SessionPage;
  /** Every node seen, in creation order (a parent before its children). */
  readonly nodes = new Map<string, NodeSummary>();
  /** What the tree knows of every decision (the full records of the path's are in `page.history`). */
  readonly decisions = new Map<string, TreeDecision>();
  /** Full decision records (reasons, gaps, questions) of the summaries and live events: what history shows. */
  readonly records = new Map<string, DecisionSummary>();
  version: number;
  /** Node ids by creation index, as the tree pages number them (a page's parents are such indices). */
  private readonly order: string[] = [];
  /** The version of the tree pages read last. */
  treeVersion: number;
  /** The last run end or failure, shown until the next action. */
  notice: EndNotice | null = null;

  constructor(summary: SessionPage, tree: TreePage[]) {
    this.page = summary;
    // The older of the two reads: a live event newer than it is applied, an older one is already in.
    this.treeVersion = Math.min(...tree.map((p) => p.version));
    this.version = Math.min(summary.version, this.treeVersion);
    this.addTree(tree);
    this.mergeSummary(summary);
    this.version = Math.min(summary.version, this.treeVersion);
  }

  /** Learn the nodes and decisions of tree pages; what events already told is newer and stays. */
  addTree(pages: TreePage[]): boolean {
    let added = false;
    // Every page's ids first: a node moved under a younger one names its parent by an index on a later page.
    for (const p of pages) for (let j = 0; j < p.nodes.id.length; j++) this.order[p.page.cursor + j] = p.nodes.id[j]!;
    for (const p of pages) {
      const c = p.nodes;
      for (let j = 0; j < c.id.length; j++) {
        if (this.nodes.has(c.id[j]!)) continue;
        const parent = c.parent[j]!;
        // Parents are given by creation index, found through the ids kept in order.
        const parentId = parent < 0 ? null : (this.order[parent] ?? null);
        this.nodes.set(c.id[j]!, {
          id: c.id[j]!,
          parentId,
          text: c.text[j]!,
          stepLogprob: c.stepLogprob[j]!,
          decisionId: p.decisions[c.decision[j]!]?.id ?? null,
          chosenBy: c.chosenBy[j] as NodeSummary["chosenBy"],
          origin: c.origin[j] as NodeSummary["origin"],
        });
        added = true;
      }
      for (const d of p.decisions) {
        const known = this.decisions.get(d.id);
        if (!known || (known.action === null && d.action !== null)) {
          this.decisions.set(d.id, d);
          added = true;
        }
      }
      this.treeVersion = Math.max(this.treeVersion, p.version);
    }
    return added;
  }

  get tip(): string {
    return this.page.currentPath[this.page.currentPath.length - 1]!;
  }

  /**
   * Take a fresh summary (path, history, open decision, flags); its node page does not replace what is known.
   * A summary older than the events already applied is stale (read before they happened) and is dropped.
   */
  mergeSummary(summary: SessionPage): boolean {
    if (this.page !== summary && summary.version < this.version) return false;
    this.page = { ...summary, nodes: [] };
    this.version = Math.max(this.version, summary.version);
    // The summary's nodes are whole (the tree's texts may be cut) and current.
    for (const n of summary.path) this.nodes.set(n.id, n);
    for (const n of summary.open?.candidates ?? []) this.nodes.set(n.id, n);
    for (const d of summary.history) this.learn(d);
    if (summary.open) this.learn(summary.open.decision);
    if (summary.pendingClarification) this.learn(summary.pendingClarification);
    return true;
  }

  private learn(d: DecisionSummary): void {
    this.decisions.set(d.id, d);
    this.records.set(d.id, d);
  }

  /** Apply one live event; what it cannot express is flagged for a summary read. */
  apply(type: string, data: Record<string, unknown>): Changes {
    const c = noChanges();
    if (type === "hello") {
      // Subscribed after the first read: anything that happened in between is read again.
      const v = typeof data.version === "number" ? data.version : -1;
      c.resync = v > this.version;
      c.retree = v > this.treeVersion;
      return c;
    }
    if (typeof data.version === "number") this.version = Math.max(this.version, data.version);
    switch (type) {
      case "candidates":
      // A look-ahead's nodes below any node: the tree learns them as it learns a step's candidates.
      case "expanded":
        this.applyCandidates(data as unknown as CandidatesEvent, c);
        break;
      case "decision":
        this.applyDecision(data as unknown as DecisionEvent, c);
        break;
      case "run-started":
        this.page = { ...this.page, running: true };
        this.notice = null;
        c.status = c.candidates = true;
        break;
      case "run-finished":
        this.page = { ...this.page, running: false };
        c.status = c.candidates = true;
        break;
      case "stopped":
        this.notice = endNotice(String(data.reason), typeof data.detail === "string" ? data.detail : null);
        c.status = true;
        break;
      case "failure":
        this.notice = {
          reason: "failure",
          detail: null,
          text: `${data.where ? `The ${String(data.where)} failed` : "Failed"}: ${String(data.message)}${
            typeof data.hint === "string" ? ` — ${data.hint}` : ""
          }`,
        };
        c.status = true;
        break;
      case "step-started":
      case "usage":
        break;
      default:
        // tip-changed, clarification-asked / -answered: read the summary again.
        c.resync = true;
    }
    return c;
  }

  private applyCandidates(e: CandidatesEvent, c: Changes): void {
    if (e.parentNodeId !== this.tip) {
      // Candidates somewhere else (another client's checkout): the tree learns them, the panels resync.
      c.resync = true;
    }
    const fresh: OpenCandidate[] = [];
    for (const cand of e.candidates) {
      let node = this.nodes.get(cand.id);
      if (!node) {
        node = {
          id: cand.id,
          parentId: e.parentNodeId,
          text: cand.text,
          stepLogprob: cand.stepLogprob,
          decisionId: e.decisionId,
          chosenBy: null,
          origin: "generated",
        } as NodeSummary;
        this.nodes.set(cand.id, node);
        c.tree = true;
      }
      fresh.push({ ...node, model: cand.model ?? null });
    }
    if (!e.decision) {
      c.resync = true;
      return;
    }
    const updated = e.decision;
    this.learn(updated);
    if (e.parentNodeId === this.tip) {
      this.page = { ...this.page, open: { decision: updated, candidates: fresh }, stopped: false };
      c.candidates = true;
    }
  }

  private applyDecision(e: DecisionEvent, c: Changes): void {
    const d = e.decision;
    if (!d) {
      c.resync = true;
      return;
    }
    this.learn(d);
    c.tree = true;
    if (d.parentNodeId !== this.tip || e.action === "clarify") {
      c.resync = true;
      return;
    }
    if (e.action === "stop") {
      this.page = { ...this.page, open: null, stopped: true, history: [...this.page.history, d] };
      c.candidates = c.history = c.status = true;
      return;
    }
    let node = e.chosenNodeId ? this.nodes.get(e.chosenNodeId) : undefined;
    if (!node && e.chosenNodeId) {
      // A written continuation: the event carries its text.
      node = {
        id: e.chosenNodeId,
        parentId: d.parentNodeId,
        text: e.chosenText ?? "",
        stepLogprob: null,
        decisionId: d.id,
        chosenBy: e.chosenBy,
        origin: "human",
      } as NodeSummary;
      this.nodes.set(node.id, node);
    }
    if (!node) {
      c.resync = true;
      return;
    }
    node = { ...node, chosenBy: e.chosenBy };
    this.nodes.set(node.id, node);
    this.page = {
      ...this.page,
      currentPath: [...this.page.currentPath, node.id],
      path: [...this.page.path, node],
      history: [...this.page.history, d],
      text: this.page.text + node.text,
      open: null,
      totals: { ...this.page.totals, nodes: this.nodes.size, decisions: this.decisions.size },
    };
    c.appended.push(node);
    c.candidates = c.history = true;
  }
}
