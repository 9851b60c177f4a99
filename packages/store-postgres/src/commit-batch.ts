// What the next transaction writes: the ops committed since the last one and the rows they touched, each serialised once.
import type { Loom, LoomOp } from "@loom/core";
import type { Footprint } from "@loom/core/internal";
import { nodeJson } from "./node-json.js";
import { pathWrite, type PathWrite } from "./path-rows.js";

/** A row's state as the batch writes it: its parent, and its JSON (null: the record is gone). */
export interface RowWrite {
  parent: string | null;
  data: string | null;
}

/** The batch as one transaction writes it, read off the loom once the batch is closed. */
export interface SealedBatch {
  fromSeq: number;
  toSeq: number;
  /** Each op's seq and its JSON in pieces (joined, they are the op's JSON). */
  ops: { seq: number; parts: string[] }[];
  nodes: Map<string, RowWrite>;
  decisions: Map<string, RowWrite>;
  /** Every node and decision row is replaced by `nodes` and `decisions`. */
  rewriteAll: boolean;
  /** The loom without nodes, decisions and current path (those are rows); null when unchanged since `lastHead`. */
  head: string | null;
  path: PathWrite | null;
  state: Map<string, string>;
}

/**
 * An op's JSON as the pieces it is joined from (joined once, with the batch's other ops, when the batch is written:
 * joined here too, a decision's candidates were copied once more), and for an addCandidates op each new node's
 * JSON: the node rows are written from the same strings (applyOp inserts shallow copies of the op's nodes, which
 * serialise the same), so a candidate is serialised once.
 */
function serialiseOp(op: LoomOp): { parts: string[]; nodes: Map<string, string> | null } {
  if (op.op !== "addCandidates") return { parts: [JSON.stringify(op)], nodes: null };
  const nodes = new Map(op.nodes.map((n) => [n.id, nodeJson(n)]));
  const { nodes: _nodes, ...rest } = op;
  const parts = [`${JSON.stringify(rest).slice(0, -1)},"nodes":[`];
  for (const json of nodes.values()) {
    if (parts.length > 1) parts.push(",");
    parts.push(json);
  }
  parts.push("]}");
  return { parts, nodes };
}

/** One group commit: ops in order, and which rows, path entries and side state they touched. */
export class CommitBatch {
  readonly ops: { seq: number; parts: string[] }[] = [];
  /** Touched node ids, with the row's JSON when an op in this batch already made it (null: serialise at seal). */
  readonly #nodes = new Map<string, string | null>();
  readonly #decisions = new Set<string>();
  readonly state = new Map<string, string>();
  /** Set when an op's footprint was unknown: every row is rewritten. */
  #rewriteAll = false;
  /** The first depth of the current path an op of this batch changed, or null. */
  #pathFrom: number | null = null;
  private readonly waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  readonly done: Promise<void>;

  constructor(readonly fromSeq: number) {
    this.done = new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
    // Nobody may be waiting on a batch that fails: its error is also kept by the session and thrown on the next call.
    this.done.catch(() => {});
  }

  get empty(): boolean {
    return this.ops.length === 0 && this.state.size === 0;
  }

  get toSeq(): number {
    return this.ops.length ? this.ops[this.ops.length - 1]!.seq : this.fromSeq;
  }

  /**
   * Note an op just applied: its JSON and the records it touched (`footprint`, null: unknown, so all of them);
   * `pathFrom` is the first depth of the current path it changed (see PathTracker), null if none.
   */
  addOp(seq: number, op: LoomOp, footprint: Footprint | null, pathFrom: number | null): void {
    const serialised = serialiseOp(op);
    this.ops.push({ seq, parts: serialised.parts });
    if (footprint === null) this.#rewriteAll = true;
    else {
      // A node touched again after an op serialised it is serialised anew at seal, as it is by then.
      for (const id of footprint.nodes) this.#nodes.set(id, serialised.nodes?.get(id) ?? null);
      for (const id of footprint.decisions) this.#decisions.add(id);
    }
    if (pathFrom !== null) this.#pathFrom = Math.min(pathFrom, this.#pathFrom ?? pathFrom);
  }

  /**
   * The batch as one transaction writes it, from `loom` as it is after the batch's last op (the session seals a
   * batch before any later op is applied). `lastHead`: the head as last written, not sent again when unchanged;
   * `pathWritten`: the current path's length as last written (its chunks are appended to when it only grew).
   */
  seal(loom: Loom, lastHead: string | null, pathWritten: number): SealedBatch {
    const nodes = new Map<string, RowWrite>();
    const decisions = new Map<string, RowWrite>();
    const noteNode = (id: string, json: string | null) => {
      const node = loom.nodes[id];
      nodes.set(id, node ? { parent: node.parentId, data: json ?? nodeJson(node) } : { parent: null, data: null });
    };
    const noteDecision = (id: string) => {
      const d = loom.decisions[id];
      decisions.set(id, d ? { parent: d.parentNodeId, data: JSON.stringify(d) } : { parent: null, data: null });
    };
    if (this.#rewriteAll) {
      // An op of unknown footprint may have changed any node after another op serialised it.
      for (const id in loom.nodes) noteNode(id, null);
      for (const id in loom.decisions) noteDecision(id);
    } else {
      for (const [id, json] of this.#nodes) noteNode(id, json);
      for (const id of this.#decisions) noteDecision(id);
    }
    const { nodes: _n, decisions: _d, currentPath: _p, ...rest } = loom;
    const head = JSON.stringify(rest);
    return {
      fromSeq: this.fromSeq,
      toSeq: this.toSeq,
      ops: this.ops,
      nodes,
      decisions,
      rewriteAll: this.#rewriteAll,
      head: head === lastHead ? null : head,
      path: this.#pathFrom === null ? null : pathWrite(loom, this.#pathFrom, pathWritten),
      state: this.state,
    };
  }

  settle(error?: unknown): void {
    for (const w of this.waiters) error === undefined ? w.resolve() : w.reject(error);
  }
}
