// Salvages a damaged session into a new directory: every intact record that still fits a whole tree is kept, and what could not be saved is listed.
import { join } from "node:path";
import {
  applyOp,
  DecisionEventSchema,
  findInvariantViolations,
  LoomError,
  LoomSchema,
  NodeSchema,
  type DecisionEvent,
  type Loom,
  type LoomNode,
} from "@loom/core";
import { invalidateIndex, parseDecisionFast, parseNodeFast } from "@loom/core/internal";
import { JOURNAL_FILE, JournalLineSchema, MANIFEST_FILE, SNAPSHOT_FILE } from "./formats.js";
import { IoError } from "./io-error.js";
import { auditManifest } from "./manifest-audit.js";
import { migrate } from "./migrations.js";
import { scanNdjson } from "./ndjson.js";
import { createSession } from "./session.js";
import { readSnapshotFile } from "./snapshot-reader.js";
import { reviveOpTokens } from "./token-codec.js";

export interface SalvageResult {
  /** The new session directory. */
  dest: string;
  nodes: number;
  decisions: number;
  /** What could not be saved, one entry per record or group of records, naming file and place. */
  lost: string[];
}

type Raw = Record<string, unknown>;

/** The intact, valid records of the snapshot, and the loom's other fields. */
async function readSnapshotParts(dir: string, lost: string[]) {
  const file = join(dir, SNAPSHOT_FILE);
  const read = await readSnapshotFile(file, { onDamage: (e) => lost.push(e.message) });
  if (read === null) throw new IoError("not_a_session", "nothing to salvage: the snapshot is missing", { file });
  const record = migrate("snapshot", read.record, { file }).record;
  const raw = (record["loom"] ?? {}) as Raw;
  const head = LoomSchema.safeParse({ ...raw, nodes: {}, decisions: {} });
  if (!head.success)
    throw new IoError(
      "damaged",
      `nothing to salvage: the loom's own fields are unreadable (${head.error.issues[0]?.message})`,
      { file, field: "loom" },
    );
  const nodes: Record<string, LoomNode> = {};
  for (const [id, n] of Object.entries((raw["nodes"] ?? {}) as Raw)) {
    const node = parseNodeFast(n) ?? NodeSchema.safeParse(n).data;
    if (node && node.id === id) nodes[id] = node;
    else lost.push(`${file}: node ${id} is not a valid node record`);
  }
  const decisions: Record<string, DecisionEvent> = {};
  for (const [id, d] of Object.entries((raw["decisions"] ?? {}) as Raw)) {
    const decision = parseDecisionFast(d) ?? DecisionEventSchema.safeParse(d).data;
    if (decision && decision.id === id) decisions[id] = decision;
    else lost.push(`${file}: decision ${id} is not a valid decision record`);
  }
  const seq = typeof record["seq"] === "number" ? record["seq"] : 0;
  return { loom: { ...head.data, nodes, decisions } as Loom, seq, file };
}

/** Reopen a decision whose outcome names a node that was lost. */
function reopen(d: DecisionEvent): void {
  Object.assign(d, {
    action: null,
    chosenNodeId: null,
    chosenBy: null,
    reason: null,
    ranking: null,
    maxLogprob: null,
    chosenLogprob: null,
    logprobGap: null,
    resolvedAt: null,
  });
}

/**
 * Cut `loom` down to a whole tree: nodes whose parent chain reaches the root, decisions under kept nodes
 * listing kept candidates, paths cut at their first missing node. Runs to a fixed point, because dropping a
 * decision drops the candidates that name it, and so on.
 */
function makeWhole(loom: Loom, file: string, lost: string[]): void {
  if (!loom.nodes[loom.rootId]) throw new IoError("damaged", "nothing to salvage: the root node is lost", { file });
  for (let changed = true; changed; ) {
    changed = false;
    const reaches = new Map<string, boolean>([[loom.rootId, true]]);
    const ok = (start: string): boolean => {
      const chain: string[] = [];
      let id: string | null = start;
      let verdict = false;
      while (id !== null) {
        const known = reaches.get(id);
        if (known !== undefined) {
          verdict = known;
          break;
        }
        if (chain.length > Object.keys(loom.nodes).length) break; // a cycle
        chain.push(id);
        const node: LoomNode | undefined = loom.nodes[id];
        if (!node) break;
        const d = node.decisionId !== null ? loom.decisions[node.decisionId] : undefined;
        if (node.decisionId !== null && (!d || !d.candidateNodeIds.includes(node.id))) break;
        id = node.parentId;
      }
      for (const c of chain) reaches.set(c, verdict);
      return verdict;
    };
    for (const id of Object.keys(loom.nodes)) {
      if (ok(id)) continue;
      delete loom.nodes[id];
      lost.push(`node ${id}: its parent, an ancestor or its decision was lost`);
      changed = true;
    }
    for (const d of Object.values(loom.decisions)) {
      if (!loom.nodes[d.parentNodeId]) {
        delete loom.decisions[d.id];
        lost.push(`decision ${d.id}: the node it branches from was lost`);
        changed = true;
        continue;
      }
      const kept = d.candidateNodeIds.filter((id) => loom.nodes[id]?.parentId === d.parentNodeId);
      if (kept.length !== d.candidateNodeIds.length) {
        d.candidateNodeIds = kept;
        if (d.candidatesInTension) d.candidatesInTension = d.candidatesInTension.filter((id) => kept.includes(id));
        changed = true;
      }
      if (d.chosenNodeId !== null && !kept.includes(d.chosenNodeId)) {
        lost.push(`decision ${d.id}: its chosen node was lost, so it is open again`);
        reopen(d);
        changed = true;
      }
    }
    for (const n of Object.values(loom.nodes)) {
      if (n.replacesId !== null && !loom.nodes[n.replacesId]) {
        lost.push(`node ${n.id}: the node its edit replaces was lost (the link is dropped, the text kept)`);
        n.replacesId = null;
      }
    }
  }
  const cut = (path: string[]) => {
    let i = 1;
    while (i < path.length && loom.nodes[path[i]!]?.parentId === path[i - 1]) i++;
    return path.slice(0, i);
  };
  const before = loom.currentPath.length;
  loom.currentPath = cut(loom.currentPath[0] === loom.rootId ? loom.currentPath : [loom.rootId]);
  if (loom.currentPath.length < before)
    lost.push(`the current path: cut after ${loom.currentPath.length} of ${before} nodes`);
  loom.heldPaths = loom.heldPaths.filter((p) => p[0] === loom.rootId).map(cut);
  invalidateIndex(loom);
}

/** Replay the intact journal lines after the snapshot, each op that still fits. */
async function replayJournal(dir: string, loom: Loom, snapshotSeq: number, lost: string[]): Promise<void> {
  const file = join(dir, JOURNAL_FILE);
  const read = await scanNdjson(
    file,
    { binaryRecords: true, onDamage: (e) => lost.push(e.message) },
    ({ line, value }) => {
      try {
        reviveOpTokens(value, file, line);
      } catch (error) {
        if (!IoError.isInstance(error)) throw error;
        return void lost.push(`${file}:${line}: ${error.message}`);
      }
      const parsed = JournalLineSchema.safeParse(migrate("journal", value, { file, line }).record);
      if (!parsed.success) return void lost.push(`${file}:${line}: not a valid journal line`);
      if (parsed.data.seq <= snapshotSeq) return;
      try {
        applyOp(loom, parsed.data.op);
      } catch (error) {
        if (!LoomError.isInstance(error)) throw error;
        lost.push(`${file}:${line}: the operation (seq ${parsed.data.seq}) no longer fits (${error.message})`);
      }
    },
  );
  if (read?.torn)
    lost.push(`${file}:${read.torn.line}: a torn last line (${read.torn.bytes} bytes, never acknowledged)`);
  if (read === null)
    lost.push(`${file}: missing; operations after the snapshot (seq ${snapshotSeq}), if any, are lost`);
}

/**
 * Build a new session at `dest` (which must not exist yet) from what survives in `dir`, never writing to
 * `dir`: the snapshot's intact records, made whole; the journal's intact operations that still fit; the
 * resolutions the manifest recorded. Lists every record it could not save.
 */
export async function salvageSession(dir: string, dest: string): Promise<SalvageResult> {
  const lost: string[] = [];
  const { loom, seq, file } = await readSnapshotParts(dir, lost);
  makeWhole(loom, file, lost);
  await replayJournal(dir, loom, seq, lost);
  const warnings: string[] = [];
  await auditManifest(join(dir, MANIFEST_FILE), loom, {
    vouched: null,
    finalizedInJournal: [],
    migrations: undefined,
    warnings,
  });
  lost.push(...warnings.filter((w) => !/had no manifest line|restored from this manifest line/.test(w)));
  const v = findInvariantViolations(loom);
  if (v.length > 0) {
    throw new IoError("damaged", `could not make the salvaged loom whole: ${v[0]!.field} ${v[0]!.message}`, {
      file,
      field: `loom.${v[0]!.field}`,
    });
  }
  const session = await createSession(dest, loom);
  await session.close();
  return { dest, nodes: Object.keys(loom.nodes).length, decisions: Object.keys(loom.decisions).length, lost };
}
