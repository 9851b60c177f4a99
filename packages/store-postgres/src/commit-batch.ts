// What the next transaction writes: the ops committed since the last one and the rows they touched, each serialised once.
import type { Loom, LoomOp } from "@loom/core";
import type { Footprint } from "@loom/core/internal";
import { nodeJson, type PackedTokens, writeNodeJson } from "./node-json.js";
import { pathWrite, type PathWrite } from "./path-rows.js";

/**
 * Between two JSON documents in one text parameter (loom_commit splits on it): JSON text never holds a character
 * below U+0020, so this one cannot occur inside a document. A text[] would be sent as an array literal with every
 * quote of the JSON escaped (schema version 4's migration says what that cost).
 */
export const DOCUMENTS = "\u001e";

/**
 * A row's state as the batch writes it: its parent, and its JSON (null: the record is gone). `inOps`: the row's
 * JSON is this stretch of the batch's ops' text (a candidate of an addCandidates op in it, untouched since), which
 * loom_commit takes from there (schema version 7): `data` is then empty, and the candidate is sent once, not in
 * its op and again as its row.
 */
export interface RowWrite {
  parent: string | null;
  data: string | null;
  inOps?: OpsStretch;
}

/** Where a document lies in the ops' text as sent (UTF-8): its first byte (from 1) and its length in bytes. */
export interface OpsStretch {
  at: number;
  length: number;
}

/** The batch as one transaction writes it, read off the loom once the batch is closed. */
export interface SealedBatch {
  fromSeq: number;
  toSeq: number;
  /** The ops' seqs, in order. */
  opSeqs: number[];
  /** The ops' JSON documents in the same order, separated by DOCUMENTS (joined once, from their pieces). */
  ops: string;
  nodes: Map<string, RowWrite>;
  decisions: Map<string, RowWrite>;
  /** Every node and decision row is replaced by `nodes` and `decisions`. */
  rewriteAll: boolean;
  /** The loom without nodes, decisions and current path (those are rows); null when unchanged since `lastHead`. */
  head: string | null;
  path: PathWrite | null;
  state: Map<string, string>;
}

/** One group commit: ops in order, and which rows, path entries and side state they touched. */
export class CommitBatch {
  /** The ops' seqs, in order. */
  readonly seqs: number[] = [];
  /**
   * The ops' text in pieces (joined once, when sealed): a candidate's JSON, made once, is a piece of its op and
   * is where its row is read from; `#opBytes` counts its UTF-8 bytes so far.
   */
  readonly #opText: string[] = [];
  #opBytes = 0;
  /** Touched node ids, with where the row's JSON lies in the ops' text while an op of this batch carries it. */
  readonly #nodes = new Map<string, OpsStretch | null>();
  /** Candidates' packed tokens, made once for the op and the row (a candidate chosen in the same batch). */
  readonly #packed: PackedTokens = new Map();
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
    return this.seqs.length === 0 && this.state.size === 0;
  }

  get toSeq(): number {
    return this.seqs.length ? this.seqs[this.seqs.length - 1]! : this.fromSeq;
  }

  /**
   * Note an op just applied: its JSON and the records it touched (`footprint`, null: unknown, so all of them);
   * `pathFrom` is the first depth of the current path it changed (see PathTracker), null if none.
   */
  addOp(seq: number, op: LoomOp, footprint: Footprint | null, pathFrom: number | null): void {
    this.seqs.push(seq);
    const inOps = this.addOpText(op);
    if (footprint === null) this.#rewriteAll = true;
    else {
      // A node touched again after an op serialised it is serialised anew at seal, as it is by then.
      for (const id of footprint.nodes) this.#nodes.set(id, inOps?.get(id) ?? null);
      for (const id of footprint.decisions) this.#decisions.add(id);
    }
    if (pathFrom !== null) this.#pathFrom = Math.min(pathFrom, this.#pathFrom ?? pathFrom);
  }

  /** Append a piece to the ops' text (`ascii`: known to be, so its characters are not looked at). */
  readonly #piece = (text: string, ascii = false): void => {
    this.#opText.push(text);
    this.#opBytes += ascii ? text.length : Buffer.byteLength(text, "utf8");
  };

  /**
   * Append the op's JSON to the ops' text; for an addCandidates op, where each new node's JSON lies in it: its
   * rows are that JSON (applyOp inserts shallow copies of the op's nodes, which serialise the same).
   */
  private addOpText(op: LoomOp): Map<string, OpsStretch> | null {
    const piece = this.#piece;
    if (this.#opText.length) piece(DOCUMENTS, true);
    if (op.op !== "addCandidates") {
      piece(JSON.stringify(op));
      return null;
    }
    const { nodes, ...rest } = op;
    const inOps = new Map<string, OpsStretch>();
    piece(JSON.stringify(rest).slice(0, -1));
    piece(',"nodes":[', true);
    for (let i = 0; i < nodes.length; i++) {
      if (i > 0) piece(",", true);
      const at = this.#opBytes;
      writeNodeJson(nodes[i]!, piece, this.#packed);
      inOps.set(nodes[i]!.id, { at: at + 1, length: this.#opBytes - at });
    }
    piece("]}", true);
    return inOps;
  }

  /**
   * The batch as one transaction writes it, from `loom` as it is after the batch's last op (the session seals a
   * batch before any later op is applied). `lastHead`: the head as last written, not sent again when unchanged;
   * `pathWritten`: the current path's length as last written (its chunks are appended to when it only grew).
   */
  seal(loom: Loom, lastHead: string | null, pathWritten: number): SealedBatch {
    const nodes = new Map<string, RowWrite>();
    const decisions = new Map<string, RowWrite>();
    const noteNode = (id: string, inOps: OpsStretch | null) => {
      const node = loom.nodes[id];
      if (!node) nodes.set(id, { parent: null, data: null });
      else if (inOps) nodes.set(id, { parent: node.parentId, data: "", inOps });
      else nodes.set(id, { parent: node.parentId, data: nodeJson(node, this.#packed) });
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
      opSeqs: this.seqs,
      ops: this.#opText.join(""),
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
