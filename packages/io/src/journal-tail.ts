// Reads the ops a writer journaled after its snapshot, without zod, when they are plainly the ones a run makes (candidates, resolutions, a checkout) and the manifest agrees with them; null on any doubt.
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ChosenBy, LoomOp } from "@loom/core";
import { parseAddCandidatesFast } from "@loom/core/internal";
import { JOURNAL_FILE, JOURNAL_VERSION, MANIFEST_FILE, MANIFEST_VERSION } from "./format-names.js";
import { checkSeal } from "./line-seal.js";
import { scanNdjson } from "./ndjson.js";
import { reviveOpTokens } from "./token-codec.js";

/*
 * Why: a reader of a session being written (`loom show` while `loom run` goes on) finds ops in the journal
 * past the snapshot. A few dozen of them are cheap to read and to apply to the stored digest; reading the
 * whole session for them cost seconds. This reads them only when a whole read would replay them without a
 * word: every line sealed and whole, seqs following the snapshot's one by one, and the manifest holding
 * exactly one line for each decision they finalize. Anything else (a torn line, a gap, a manifest line the
 * journal lacks, an op of another kind) is null, and the caller reads whole, which reports it.
 */

/** Journals longer than this are read whole: a run compacts long before its journal gets near it. */
const MAX_TAIL_BYTES = 8 * 1024 * 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const CHOSEN_BY = new Set(["human", "selector_llm", "auto"]);
const isChosenBy = (v: unknown): v is ChosenBy => typeof v === "string" && CHOSEN_BY.has(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

function scores(v: unknown): Record<string, Record<string, number>> | null {
  if (v === undefined) return {};
  if (!isObj(v)) return null;
  for (const per of Object.values(v)) {
    if (!isObj(per) || !Object.values(per).every((n) => typeof n === "number" && Number.isFinite(n))) return null;
  }
  return v as Record<string, Record<string, number>>;
}

/** A choose or stop resolution (clarify too when `clarify`), with the schema's defaults; null when not plainly one. */
function resolution(v: unknown, clarify: boolean) {
  if (!isObj(v) || !isChosenBy(v.chosenBy)) return null;
  if (v.action === "stop" && typeof v.reason === "string")
    return { action: "stop" as const, chosenBy: v.chosenBy, reason: v.reason };
  if (v.action === "choose" && typeof v.chosenNodeId === "string" && typeof v.reason === "string") {
    const ranking = v.ranking ?? null;
    const candidateScores = scores(v.candidateScores);
    if ((ranking !== null && !isStrings(ranking)) || candidateScores === null) return null;
    return {
      action: "choose" as const,
      chosenNodeId: v.chosenNodeId,
      chosenBy: v.chosenBy,
      reason: v.reason,
      ranking,
      candidateScores,
    };
  }
  if (
    clarify &&
    v.action === "clarify" &&
    typeof v.question === "string" &&
    isStrings(v.candidatesInTension) &&
    typeof v.whatHingesOnIt === "string"
  ) {
    return {
      action: "clarify" as const,
      chosenBy: v.chosenBy,
      question: v.question,
      candidatesInTension: v.candidatesInTension,
      whatHingesOnIt: v.whatHingesOnIt,
    };
  }
  return null;
}

/** One of the ops a run journals, as LoomOpSchema would parse it; null for any other op or anything off. */
function runOp(v: unknown): LoomOp | null {
  if (!isObj(v)) return null;
  if (v.op === "addCandidates") return parseAddCandidatesFast(v);
  if (v.op === "resolve" && typeof v.decisionId === "string" && typeof v.at === "string") {
    const r = resolution(v.resolution, true);
    return r && { op: "resolve", decisionId: v.decisionId, at: v.at, resolution: r };
  }
  if (
    v.op === "answerClarification" &&
    typeof v.decisionId === "string" &&
    typeof v.at === "string" &&
    typeof v.humanResponse === "string"
  ) {
    const r = resolution(v.resolution, false);
    if (r === null || r.action === "clarify") return null;
    return {
      op: "answerClarification",
      decisionId: v.decisionId,
      at: v.at,
      humanResponse: v.humanResponse,
      resolution: r,
    };
  }
  if (v.op === "checkout" && typeof v.nodeId === "string") return { op: "checkout", nodeId: v.nodeId };
  return null;
}

/** Runs `scan`, turning any error it throws (damage, a bad token string) into null: the whole read names it. */
async function quietly<T>(scan: () => Promise<T>): Promise<T | null> {
  try {
    return await scan();
  } catch {
    return null;
  }
}

/** The ops journaled after seq `afterSeq`, in order; null unless a whole read would replay exactly these, silently. */
async function journalOps(dir: string, afterSeq: number): Promise<LoomOp[] | null> {
  const file = join(dir, JOURNAL_FILE);
  const size = await quietly(async () => (await stat(file)).size);
  if (size === null || size > MAX_TAIL_BYTES) return null;
  const ops: LoomOp[] = [];
  let seq = afterSeq;
  let ok = true;
  const read = await quietly(() =>
    scanNdjson(file, { unsealedOk: () => false, binaryRecords: true }, ({ line, value }) => {
      if (!ok) return;
      if (value["version"] !== JOURNAL_VERSION || value["seq"] !== seq + 1) {
        // Lines a cut-short compaction left (seq at or below the snapshot's) or an older version: read whole.
        ok = false;
        return;
      }
      reviveOpTokens(value, file, line);
      const op = runOp(value["op"]);
      if (op === null) ok = false;
      else {
        ops.push(op);
        seq++;
      }
    }),
  );
  if (!ok || read === null || read.torn !== null || read.missingNewline) return null;
  return ops;
}

/** Decisions `ops` bring to choose or stop, with how. */
function finalized(ops: readonly LoomOp[]): Map<string, { action: string; chosenNodeId: string | null }> {
  const out = new Map<string, { action: string; chosenNodeId: string | null }>();
  for (const op of ops) {
    if (op.op !== "resolve" && op.op !== "answerClarification") continue;
    const r = op.resolution;
    if (r.action === "clarify") continue;
    out.set(op.decisionId, { action: r.action, chosenNodeId: r.action === "choose" ? r.chosenNodeId : null });
  }
  return out;
}

/** Whether the manifest past the `vouched` bytes holds exactly one line for each decision `ops` finalize, agreeing with them. */
async function manifestAgrees(
  dir: string,
  sessionId: string,
  vouched: number,
  ops: readonly LoomOp[],
): Promise<boolean> {
  const want = finalized(ops);
  // Only the bytes past what the snapshot vouches for: scanning the whole manifest (a line per decision ever
  // made, 14 MB at 25,000 decisions) to count its lines cost more than everything else a read does.
  const tail = await quietly(async () => {
    const handle = await open(join(dir, MANIFEST_FILE), "r");
    try {
      const { size } = await handle.stat();
      if (size < vouched || size - vouched > MAX_TAIL_BYTES) return null;
      const buf = Buffer.alloc(size - vouched + 1);
      // One byte before the vouched end: it must close a line, or the file is not the one the snapshot vouched for.
      const from = Math.max(0, vouched - 1);
      const { bytesRead } = await handle.read(buf, 0, size - from, from);
      const bytes = buf.subarray(0, bytesRead);
      if (vouched > 0 && bytes[0] !== 0x0a) return null;
      return vouched > 0 ? bytes.subarray(1) : bytes;
    } finally {
      await handle.close();
    }
  });
  if (tail === null || (tail.length > 0 && tail[tail.length - 1] !== 0x0a)) return false;
  const seen = new Set<string>();
  for (let start = 0; start < tail.length; ) {
    const end = tail.indexOf(0x0a, start);
    if (checkSeal(tail, start, end) !== "sealed") return false;
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(tail.toString("utf8", start, end)) as Record<string, unknown>;
    } catch {
      return false;
    }
    const id = value["decisionId"];
    const final = typeof id === "string" ? want.get(id) : undefined;
    if (
      value["version"] !== MANIFEST_VERSION ||
      value["sessionId"] !== sessionId ||
      final === undefined ||
      seen.has(id as string) ||
      value["action"] !== final.action ||
      value["chosenNodeId"] !== final.chosenNodeId
    )
      return false;
    seen.add(id as string);
    start = end + 1;
  }
  return seen.size === want.size;
}

/**
 * The ops in `dir`'s journal after the snapshot's `seq`, when a whole read would apply exactly these and
 * report nothing; null otherwise. `vouched` is the manifest length the snapshot vouches for.
 */
export async function readJournalTail(
  dir: string,
  snapshot: { seq: number; sessionId: string; vouched: number },
): Promise<LoomOp[] | null> {
  const ops = await journalOps(dir, snapshot.seq);
  if (ops === null) return null;
  return (await manifestAgrees(dir, snapshot.sessionId, snapshot.vouched, ops)) ? ops : null;
}
