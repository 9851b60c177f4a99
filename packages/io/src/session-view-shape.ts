// The shape of what the reading commands show of a session (session-view.ts reads it from the digest, session-view-full.ts from the whole session).
import type { DecisionRow, LoomStats, SessionConfig, SessionSummary, TreeWindow } from "@loom/core";

export interface SessionView {
  sessionId: string;
  config: SessionConfig;
  /** Node ids of the current path, root … tip. */
  path: string[];
  /** The length of each path node's own text, in the same order (`splitSegments` cuts `text` into them). */
  segments: number[];
  /** The current path's text (the story so far), when asked for (`SessionViewWants.text`); else null. */
  text: string | null;
  stats: LoomStats;
  /** The last `decisions` resolved decisions asked for, oldest first. */
  decisions: DecisionRow[];
  /** The tree `around` steps above the tip, branches folded at their first node. */
  tree: TreeWindow;
  /** What a list of sessions shows of it (title, seed, size, state), when asked for (`SessionViewWants.summary`); else null. */
  summary: SessionSummary | null;
  /** From the digest stored in the snapshot, or computed from the whole session (journal not empty, an older snapshot, a wider view than stored). */
  read: "digest" | "full";
  /** Recovery notes from a whole read (a torn last journal line…); none from the digest. */
  warnings: string[];
}
