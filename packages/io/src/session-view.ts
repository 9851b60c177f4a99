// What the reading commands show of a session (its path and text, totals, latest decisions, the tree around the tip), from the digest stored with the snapshot when it holds them, else from the whole session.
import {
  DEFAULT_AROUND,
  DIGEST_LIMITS,
  narrowWindow,
  sessionSummaryOfParts,
  type LoomDigest,
  type LoomOp,
  type SessionConfig,
} from "@loom/core";
import {
  advanceDigest,
  parseDecisionFast,
  parseDigestFast,
  parseNodeFast,
  parseSessionConfigFast,
  type PathDigest,
} from "@loom/core/internal";
import { IoError } from "./io-error.js";
import type { SessionView } from "./session-view-shape.js";
import { readSnapshotAndTail, type HeadAndPath } from "./snapshot-alone.js";

export type { SessionView } from "./session-view-shape.js";

/*
 * Why the imports are few and the rest is in session-view-full.ts, loaded when needed: `loom show`, `stats`,
 * `decisions` and `tree` read only the digest, and their time is mostly the modules they load. The digest
 * and config are checked by core's zod-free parsers; zod (their schemas) and the whole-session reader are
 * loaded only when a snapshot is not plainly this build's or the session must be read whole.
 */

export interface SessionViewWants {
  /** How many of the latest decisions (default: all the digest keeps, 100). */
  decisions?: number;
  /** Steps of the current path above the tip in the tree (default 10). */
  around?: number;
  /** Read the current path's text too (what `loom show` prints; the others need only its length). */
  text?: boolean;
  /** Fill in `summary`, what a list of sessions shows (reads the path's text for the seed). */
  summary?: boolean;
}

/** The stored digest as this build reads it, or null when it is none it can use (another version, damaged). */
async function digestOf(raw: unknown): Promise<LoomDigest | null> {
  const fast = parseDigestFast(raw);
  if (fast !== null || raw === null || raw === undefined) return fast;
  return (await import("./session-view-full.js")).checkedDigest(raw);
}

/** The stored config with the schema's defaults, or null when it is not a valid config. */
async function configOf(raw: unknown): Promise<SessionConfig | null> {
  return parseSessionConfigFast(raw) ?? (await import("./session-view-full.js")).checkedConfig(raw);
}

/** The open decision at the tip as the path frame holds it (sparse records), or undefined when it is not plainly one. */
function openOf(raw: unknown): PathDigest["open"] | undefined {
  if (raw === null) return null;
  const o = raw as { decision?: unknown; candidates?: unknown } | undefined;
  const decision = parseDecisionFast(o?.decision);
  if (decision === null || !Array.isArray(o?.candidates)) return undefined;
  const candidates = o.candidates.map((c) => parseNodeFast(c));
  return candidates.every((c) => c !== null) ? { decision, candidates } : undefined;
}

/** The stored digest and path with the journal's ops applied (see advanceDigest), or null when they cannot be. */
function advanced(frames: HeadAndPath, stored: LoomDigest, ops: LoomOp[]): PathDigest | null {
  const loom = frames.head["loom"] as { currentPath?: unknown; briefVersion?: unknown };
  const from = {
    digest: stored,
    path: loom.currentPath as string[],
    segments: frames.segments,
    text: frames.text,
    briefVersion: typeof loom.briefVersion === "number" ? loom.briefVersion : null,
    open: null,
  };
  if (ops.length === 0) return from;
  const open = openOf(frames.path["open"]);
  return open === undefined ? null : advanceDigest({ ...from, open }, ops);
}

/** The view from the stored digest (brought up to date with the journal's ops), or null when the snapshot has none this build can use or it does not reach as far as asked. */
async function fromDigest(
  frames: HeadAndPath,
  ops: LoomOp[],
  decisions: number,
  around: number,
  wantSummary: boolean,
): Promise<SessionView | null> {
  const stored = await digestOf(frames.path["digest"]);
  if (stored === null) return null;
  const loom = frames.head["loom"] as { sessionId?: unknown; currentPath?: unknown; config?: unknown };
  const path = loom.currentPath;
  if (
    typeof loom.sessionId !== "string" ||
    !Array.isArray(path) ||
    frames.segments.length !== path.length ||
    stored.tree.pathLength !== path.length ||
    stored.stats.depth !== path.length - 1
  ) {
    // The checksums held, so the writer disagreed with itself: name it rather than show something inconsistent.
    throw new IoError("damaged", "the snapshot's path frame does not match its head's current path", {
      file: frames.file,
      field: "frame 1",
    });
  }
  const now = advanced(frames, stored, ops);
  if (now === null) return null;
  const digest = now.digest;
  // A digest of fewer rows than its limit holds every resolved decision there is.
  const complete = digest.decisions.rows.length < digest.decisions.limit;
  if (decisions > digest.decisions.limit && !complete) return null;
  const tree = narrowWindow(digest.tree, around);
  if (!tree) return null;
  const config = await configOf(loom.config);
  if (config === null) return null;
  let summary: SessionView["summary"] = null;
  if (wantSummary) {
    const open = ops.length === 0 ? openOf(frames.path["open"]) : now.open;
    const head = loom as { brief?: { title?: unknown }; createdAt?: unknown };
    if (open === undefined || now.text === null || typeof head.createdAt !== "string") return null;
    summary = sessionSummaryOfParts({
      sessionId: loom.sessionId,
      title: typeof head.brief?.title === "string" ? head.brief.title : null,
      createdAt: head.createdAt,
      seed: now.text.slice(0, now.segments[0] ?? 0),
      tip: now.path[now.path.length - 1]!,
      steps: now.path.length - 1,
      nodes: digest.stats.nodes,
      decisions: digest.stats.decisions,
      openAtTip: open?.decision ?? null,
      latest: digest.decisions.rows.map((r) => r.decision),
    });
  }
  return {
    sessionId: loom.sessionId,
    config,
    path: now.path,
    segments: now.segments,
    text: now.text,
    stats: digest.stats,
    decisions: decisions === 0 ? [] : digest.decisions.rows.slice(-decisions),
    tree: { mode: tree.mode, pathLength: tree.pathLength, tip: tree.tip, pathAbove: tree.pathAbove, rows: tree.rows },
    summary,
    read: "digest",
    warnings: [],
  };
}

/**
 * The session as the reading commands show it. When the snapshot alone is the session (a session closed
 * cleanly), or the journal after it holds only what a run writes at the tip (a session being written), and
 * the digest reaches as far as asked, only the snapshot's first frames (and the journal's few ops, applied
 * to the digest) are read, so the time does not grow with the session; otherwise the session is read whole
 * and the same view computed from it. Either way the view is the same.
 */
export async function readSessionView(dir: string, wants: SessionViewWants = {}): Promise<SessionView> {
  const decisions = wants.decisions ?? DIGEST_LIMITS.decisions;
  const around = wants.around ?? DEFAULT_AROUND;
  const summary = wants.summary ?? false;
  const text = (wants.text ?? false) || summary;
  const read = await readSnapshotAndTail(dir, { text });
  const view = read ? await fromDigest(read.frames, read.ops, decisions, around, summary) : null;
  if (view) return wants.text || !view.text ? view : { ...view, text: null };
  return (await import("./session-view-full.js")).wholeSessionView(
    dir,
    decisions,
    around,
    wants.text ?? false,
    summary,
  );
}
