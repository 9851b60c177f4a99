// Reconciles the decision manifest with the loom on open: restores resolutions the journal lost, reports contradictions, lists missing lines.
import { open, stat } from "node:fs/promises";
import { applyOp, LoomError, type DecisionEvent, type Loom, type LoomOp } from "@loom/core";
import { ManifestLineSchema, type ManifestLine } from "./formats.js";
import { IoError } from "./io-error.js";
import { isFinal } from "./manifest-line.js";
import { migrate, type MigrationRegistry } from "./migrations.js";
import { scanNdjson, type NdjsonRead } from "./ndjson.js";
import { parseOrThrow } from "./zod-issue.js";

export interface ManifestAudit {
  migrated: boolean;
  /** Ops that gave decisions the outcome their manifest line records (already applied to the loom). */
  recovered: LoomOp[];
  /** Lines that contradict the loom or each other: reported, never rewritten. */
  conflicts: string[];
  path: string;
  exists: boolean;
  goodLength: number;
  size: number;
  missingNewline: boolean;
  /** Final decisions without a line, in resolution order: a writer appends them. */
  missing: DecisionEvent[];
  /** Decisions with a line among those read (they must not get a second one). */
  listed: Set<string>;
}

/** Whether the byte before `offset` is a newline (offset 0 always starts a line): else the file is not the one the snapshot vouched for. */
async function endsLine(path: string, offset: number): Promise<boolean> {
  if (offset === 0) return true;
  const handle = await open(path, "r");
  try {
    const byte = Buffer.alloc(1);
    const { bytesRead } = await handle.read(byte, 0, 1, offset - 1);
    return bytesRead === 1 && byte[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw IoError.fromSystem(error, path, "read");
  }
}

/**
 * Reconcile the manifest at `path` with `loom`. The snapshot vouches for the manifest up to `vouched`
 * bytes (every decision up to its seq had its line by then), so only what follows is read, unless the file
 * is now shorter. Each line read is checked against the loom: a line for a decision the journal left
 * unresolved (its resolution did not reach the disk, but the manifest line did) restores that resolution;
 * a line that contradicts the loom, repeats a decision or names one the loom lacks is reported. Damaged
 * lines are reported and skipped: the manifest is a log derived from the loom, never its source of truth.
 */
export async function auditManifest(
  path: string,
  loom: Loom,
  ctx: {
    vouched: number | null;
    finalizedInJournal: string[];
    migrations: MigrationRegistry | undefined;
    warnings: string[];
  },
): Promise<ManifestAudit> {
  const { warnings } = ctx;
  const size = await sizeOf(path);
  const listed = new Set<string>();
  const lineOf = new Map<string, number>();
  const conflicts: string[] = [];
  const recovered: LoomOp[] = [];
  let migrated = false;
  const trusted = size !== null && ctx.vouched !== null && ctx.vouched <= size && (await endsLine(path, ctx.vouched));
  const skipped = (error: unknown) =>
    warnings.push(`${(error as Error).message} (line skipped; the loom is unaffected)`);
  let scan: NdjsonRead | null = null;
  if (size !== null && !(trusted && ctx.vouched === size)) {
    scan = await scanNdjson(path, { from: trusted ? ctx.vouched! : 0, onDamage: skipped }, ({ line, value }) => {
      let entry: ManifestLine;
      try {
        const l = migrate("manifest", value, { file: path, line }, ctx.migrations);
        migrated ||= l.migrated;
        entry = parseOrThrow(ManifestLineSchema, l.record, { file: path, line }, `manifest line ${line}`);
      } catch (error) {
        if (!IoError.isInstance(error)) throw error;
        return skipped(error);
      }
      const problem = reconcileLine(loom, entry, lineOf.get(entry.decisionId), recovered);
      listed.add(entry.decisionId);
      if (!lineOf.has(entry.decisionId)) lineOf.set(entry.decisionId, line);
      if (problem) conflicts.push(`${path}:${line}: ${problem}`);
    });
  }
  if (scan?.torn) warnings.push(`${path}:${scan.torn.line}: dropped a torn last line (${scan.torn.bytes} bytes)`);
  if (size === null)
    warnings.push(
      `${path}: the manifest is missing; it is rebuilt from the loom when the session is opened for writing`,
    );
  warnings.push(...conflicts);
  for (const op of recovered) {
    const id = (op as { decisionId: string }).decisionId;
    warnings.push(
      `${path}:${lineOf.get(id)}: the journal had lost the resolution of decision ${id}; restored from this manifest line`,
    );
  }
  const toCheck = trusted
    ? [...new Set(ctx.finalizedInJournal)].map((id) => loom.decisions[id]!)
    : Object.values(loom.decisions);
  const missing = toCheck
    .filter((d) => isFinal(d) && !listed.has(d.id))
    .sort((a, b) => ((a.resolvedAt ?? "") < (b.resolvedAt ?? "") ? -1 : 1));
  if (missing.length > 0 && size !== null) {
    warnings.push(
      `${path}: ${missing.length} decision(s) in the journal had no manifest line (a crash between the two appends); repaired when opened for writing`,
    );
  }
  return {
    migrated,
    recovered,
    conflicts,
    path,
    exists: size !== null,
    goodLength: scan ? scan.goodLength : (size ?? 0),
    size: size ?? 0,
    missingNewline: scan?.missingNewline ?? false,
    missing,
    listed,
  };
}

/** Check one line against the loom; returns the problem in words, or null. May restore a lost resolution into `recovered`. */
function reconcileLine(
  loom: Loom,
  entry: ManifestLine,
  earlier: number | undefined,
  recovered: LoomOp[],
): string | null {
  const id = entry.decisionId;
  if (earlier !== undefined) return `repeats decision ${id} (first listed on line ${earlier}); the first line stands`;
  if (entry.sessionId !== loom.sessionId) return `belongs to session ${entry.sessionId}, not ${loom.sessionId}`;
  const d = loom.decisions[id];
  if (!d)
    return `records decision ${id}, which the loom does not have: operations were lost from the journal (run \`loom fsck\`)`;
  if (isFinal(d)) {
    if (d.action === entry.action && d.chosenNodeId === entry.chosenNodeId) return null;
    const said = (action: string | null, node: string | null) => `${action}${node ? ` ${node}` : ""}`;
    return `says decision ${id} was ${said(entry.action, entry.chosenNodeId)}; the loom says ${said(d.action, d.chosenNodeId)}`;
  }
  const op = restoreOp(d, entry);
  try {
    applyOp(loom, op);
  } catch (error) {
    if (!LoomError.isInstance(error)) throw error;
    return `records decision ${id} as ${entry.action}, which the loom cannot take (${error.message})`;
  }
  recovered.push(op);
  return null;
}

/** The op that gives an unresolved decision the outcome its manifest line records. */
function restoreOp(d: DecisionEvent, entry: ManifestLine): LoomOp {
  const at = entry.resolvedAt ?? entry.timestamp;
  const chosenBy = entry.chosenBy ?? "auto";
  const reason = entry.reason ?? "";
  const resolution =
    entry.action === "choose" && entry.chosenNodeId !== null
      ? {
          action: "choose" as const,
          chosenNodeId: entry.chosenNodeId,
          chosenBy,
          reason,
          ranking: null,
          candidateScores: {},
        }
      : { action: "stop" as const, chosenBy, reason };
  if (d.action === "clarify")
    return { op: "answerClarification", decisionId: d.id, at, humanResponse: entry.humanResponse ?? "", resolution };
  return { op: "resolve", decisionId: d.id, at, resolution };
}
