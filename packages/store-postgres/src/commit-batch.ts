// What the next transaction writes: the ops committed since the last one and the rows they touched, serialised when committed.
import type { Loom, LoomOp } from "@loom/core";
import type { Footprint } from "@loom/core/internal";
import { pathWrite, type PathWrite } from "./path-rows.js";

interface RowWrite {
  parent: string | null;
  /** The record's JSON as it was right after the op; null: the record is gone. */
  data: string | null;
}

/** One group commit: ops in order, then the last state of each touched row, the head and the side state. */
export class CommitBatch {
  readonly ops: { seq: number; op: string }[] = [];
  readonly nodes = new Map<string, RowWrite>();
  readonly decisions = new Map<string, RowWrite>();
  readonly state = new Map<string, string>();
  /** Set when an op's footprint was unknown: every row is rewritten from these. */
  rewriteAll = false;
  /** The loom without nodes, decisions and current path (those are rows), as of the last op. */
  head: string | null = null;
  /** The current path's entries to rewrite, as of the last op; null when no op changed the path. */
  path: PathWrite | null = null;
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
   * Note an op just applied to `loom`: its JSON, and its rows as they are now (a later op in the batch overrides);
   * `pathFrom` is the first depth of the current path it changed (see PathTracker), null if none.
   */
  addOp(seq: number, op: LoomOp, loom: Loom, footprint: Footprint | null, pathFrom: number | null): void {
    this.ops.push({ seq, op: JSON.stringify(op) });
    if (footprint === null) {
      this.rewriteAll = true;
      this.nodes.clear();
      this.decisions.clear();
      for (const id in loom.nodes) this.noteNode(loom, id);
      for (const id in loom.decisions) this.noteDecision(loom, id);
    } else {
      for (const id of footprint.nodes) this.noteNode(loom, id);
      for (const id of footprint.decisions) this.noteDecision(loom, id);
    }
    if (pathFrom !== null) {
      // Entries from the earliest change in the batch on, as they are now (their texts too: an edit may be in it).
      this.path = pathWrite(loom, Math.min(pathFrom, this.path?.from ?? pathFrom));
    }
    const { nodes: _n, decisions: _d, currentPath: _p, ...head } = loom;
    this.head = JSON.stringify(head);
  }

  private noteNode(loom: Loom, id: string): void {
    const node = loom.nodes[id];
    this.nodes.set(id, node ? { parent: node.parentId, data: JSON.stringify(node) } : { parent: null, data: null });
  }

  private noteDecision(loom: Loom, id: string): void {
    const d = loom.decisions[id];
    this.decisions.set(id, d ? { parent: d.parentNodeId, data: JSON.stringify(d) } : { parent: null, data: null });
  }

  settle(error?: unknown): void {
    for (const w of this.waiters) error === undefined ? w.resolve() : w.reject(error);
  }
}
