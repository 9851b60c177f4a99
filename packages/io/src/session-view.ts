// What the reading commands show of a session (its path and text, totals, latest decisions, the tree around the tip), from the digest stored with the snapshot when it holds them, else from the whole session.
import {
  DEFAULT_AROUND,
  DIGEST_LIMITS,
  LoomDigestSchema,
  loomDigest,
  narrowWindow,
  SessionConfigSchema,
  type DecisionRow,
  type LoomStats,
  type SessionConfig,
  type TreeWindow,
} from "@loom/core";
import { IoError } from "./io-error.js";
import { loadSessionFiles } from "./load-session.js";
import { readSnapshotAlone, type HeadAndPath } from "./snapshot-alone.js";

export interface SessionView {
  sessionId: string;
  config: SessionConfig;
  /** Node ids of the current path, root … tip. */
  path: string[];
  /** Each path node's own text, in the same order (joined, the story so far). */
  texts: string[];
  stats: LoomStats;
  /** The last `decisions` resolved decisions asked for, oldest first. */
  decisions: DecisionRow[];
  /** The tree `around` steps above the tip, branches folded at their first node. */
  tree: TreeWindow;
  /** From the digest stored in the snapshot, or computed from the whole session (journal not empty, an older snapshot, a wider view than stored). */
  read: "digest" | "full";
  /** Recovery notes from a whole read (a torn last journal line…); none from the digest. */
  warnings: string[];
}

export interface SessionViewWants {
  /** How many of the latest decisions (default: all the digest keeps, 100). */
  decisions?: number;
  /** Steps of the current path above the tip in the tree (default 10). */
  around?: number;
}

/** The view from the stored digest, or null when the snapshot has none this build can use or it does not reach as far as asked. */
function fromDigest(frames: HeadAndPath, decisions: number, around: number): SessionView | null {
  const parsed = LoomDigestSchema.safeParse(frames.path["digest"]);
  if (!parsed.success) return null;
  const digest = parsed.data;
  // A digest of fewer rows than its limit holds every resolved decision there is.
  const complete = digest.decisions.rows.length < digest.decisions.limit;
  if (decisions > digest.decisions.limit && !complete) return null;
  const tree = narrowWindow(digest.tree, around);
  if (!tree) return null;
  const loom = frames.head["loom"] as { sessionId?: unknown; currentPath?: unknown; config?: unknown };
  const texts = frames.path["texts"];
  const path = loom.currentPath;
  if (
    typeof loom.sessionId !== "string" ||
    !Array.isArray(path) ||
    !Array.isArray(texts) ||
    texts.length !== path.length ||
    tree.pathLength !== path.length ||
    digest.stats.depth !== path.length - 1
  ) {
    // The checksums held, so the writer disagreed with itself: name it rather than show something inconsistent.
    throw new IoError("damaged", "the snapshot's path frame does not match its head's current path", {
      file: frames.file,
      field: "frame 1",
    });
  }
  const config = SessionConfigSchema.safeParse(loom.config);
  if (!config.success) return null;
  return {
    sessionId: loom.sessionId,
    config: config.data,
    path: path as string[],
    texts: texts as string[],
    stats: digest.stats,
    decisions: decisions === 0 ? [] : digest.decisions.rows.slice(-decisions),
    tree: { mode: tree.mode, pathLength: tree.pathLength, tip: tree.tip, pathAbove: tree.pathAbove, rows: tree.rows },
    read: "digest",
    warnings: [],
  };
}

/**
 * The session as the reading commands show it. When the snapshot alone is the session (a session closed
 * cleanly) and its digest reaches as far as asked, only the snapshot's first two frames are read, so the
 * time does not grow with the session; otherwise the session is read whole and the same view computed
 * from it. Either way the view is the same.
 */
export async function readSessionView(dir: string, wants: SessionViewWants = {}): Promise<SessionView> {
  const decisions = wants.decisions ?? DIGEST_LIMITS.decisions;
  const around = wants.around ?? DEFAULT_AROUND;
  const frames = await readSnapshotAlone(dir);
  const view = frames ? fromDigest(frames, decisions, around) : null;
  if (view) return view;
  const { loom, warnings } = await loadSessionFiles(dir);
  const { stats, decisions: latest, tree } = loomDigest(loom, { decisions, around });
  return {
    sessionId: loom.sessionId,
    config: loom.config,
    path: loom.currentPath,
    texts: loom.currentPath.map((id) => loom.nodes[id]!.text),
    stats,
    decisions: latest.rows,
    tree: { mode: tree.mode, pathLength: tree.pathLength, tip: tree.tip, pathAbove: tree.pathAbove, rows: tree.rows },
    read: "full",
    warnings,
  };
}
