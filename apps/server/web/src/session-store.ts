// The page's copy of one session: the server's summary plus every node it has seen, kept current by applying live events in place.
import type { DecisionSummary, NodeSummary, SessionPage } from "./api-client.js";

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
  candidates: { id: string; text: string; stepLogprob: number | null }[];
}

interface DecisionEvent {
  decisionId: string;
  action: "choose" | "clarify" | "stop";
  chosenNodeId: string | null;
  chosenBy: DecisionSummary["chosenBy"];
  reason: string | null;
  chosenText: string | null;
  logprobGap: number | null;
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

function openDecision(e: CandidatesEvent): DecisionSummary {
  return {
    id: e.decisionId,
    parentNodeId: e.parentNodeId,
    candidateNodeIds: e.candidates.map((c) => c.id),
    action: null,
    chosenNodeId: null,
    chosenBy: null,
    reason: null,
    clarificationQuestion: null,
    candidatesInTension: null,
    whatHingesOnIt: null,
    humanResponse: null,
    maxLogprob: null,
    chosenLogprob: null,
    logprobGap: null,
    timestamp: new Date().toISOString(),
    resolvedAt: null,
  } as DecisionSummary;
}

export class SessionStore {
  page: SessionPage;
  /** Every node seen, in creation order (a parent before its children). */
  readonly nodes = new Map<string, NodeSummary>();
  readonly decisions = new Map<string, DecisionSummary>();
  version: number;
  /** The last run end or failure, shown until the next action. */
  notice: EndNotice | null = null;

  constructor(full: SessionPage) {
    this.page = full;
    this.version = full.version;
    // The constructor's page is the full one; its nodes go to the map, not to every later copy of the summary.
    for (const n of full.nodes) this.nodes.set(n.id, n);
    for (const d of full.decisions) this.decisions.set(d.id, d);
    this.mergeSummary(full);
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
    for (const n of summary.path) if (!this.nodes.has(n.id)) this.nodes.set(n.id, n);
    for (const n of summary.open?.candidates ?? []) if (!this.nodes.has(n.id)) this.nodes.set(n.id, n);
    for (const d of summary.history) this.decisions.set(d.id, d);
    if (summary.open) this.decisions.set(summary.open.decision.id, summary.open.decision);
    if (summary.pendingClarification) this.decisions.set(summary.pendingClarification.id, summary.pendingClarification);
    return true;
  }

  /** Apply one live event; what it cannot express is flagged for a summary read. */
  apply(type: string, data: Record<string, unknown>): Changes {
    const c = noChanges();
    if (type === "hello") {
      // Subscribed after the first read: anything that happened in between is read again.
      c.resync = typeof data.version === "number" && data.version > this.version;
      return c;
    }
    if (typeof data.version === "number") this.version = Math.max(this.version, data.version);
    switch (type) {
      case "candidates":
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
    const fresh: NodeSummary[] = [];
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
      fresh.push(node);
    }
    const decision = this.decisions.get(e.decisionId) ?? openDecision(e);
    const updated = { ...decision, candidateNodeIds: e.candidates.map((x) => x.id) };
    this.decisions.set(e.decisionId, updated);
    if (e.parentNodeId === this.tip) {
      this.page = { ...this.page, open: { decision: updated, candidates: fresh }, stopped: false };
      c.candidates = true;
    }
  }

  private applyDecision(e: DecisionEvent, c: Changes): void {
    const known = this.decisions.get(e.decisionId);
    if (!known) {
      c.resync = true;
      return;
    }
    const d: DecisionSummary = {
      ...known,
      action: e.action,
      chosenNodeId: e.chosenNodeId,
      chosenBy: e.chosenBy,
      reason: e.reason,
      logprobGap: e.logprobGap,
      resolvedAt: new Date().toISOString(),
    };
    this.decisions.set(d.id, d);
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
