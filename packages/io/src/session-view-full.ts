// The reading commands' view when the stored digest will not do: the digest and config checked by their zod schemas, or the whole session read (loaded by session-view.ts only then).
import {
  LoomDigestSchema,
  SessionConfigSchema,
  loomDigest,
  sessionSummary,
  type LoomDigest,
  type SessionConfig,
} from "@loom/core";
import { loadSessionFiles } from "./load-session.js";
import type { SessionView } from "./session-view-shape.js";

/** A stored digest the fast parser declined, as the schema reads it; null when it is not a digest of this version. */
export function checkedDigest(raw: unknown): LoomDigest | null {
  const parsed = LoomDigestSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** A stored config the fast parser declined (a field missing, say), with the schema's defaults; null when invalid. */
export function checkedConfig(raw: unknown): SessionConfig | null {
  const parsed = SessionConfigSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The same view computed from the whole session (journal not empty, an older snapshot, a wider view than stored). */
export async function wholeSessionView(
  dir: string,
  decisions: number,
  around: number,
  text: boolean,
  summary = false,
): Promise<SessionView> {
  const { loom, warnings } = await loadSessionFiles(dir);
  const { stats, decisions: latest, tree } = loomDigest(loom, { decisions, around });
  return {
    sessionId: loom.sessionId,
    config: loom.config,
    path: loom.currentPath,
    segments: loom.currentPath.map((id) => loom.nodes[id]!.text.length),
    text: text ? loom.currentPath.map((id) => loom.nodes[id]!.text).join("") : null,
    stats,
    decisions: latest.rows,
    tree: { mode: tree.mode, pathLength: tree.pathLength, tip: tree.tip, pathAbove: tree.pathAbove, rows: tree.rows },
    summary: summary ? sessionSummary(loom) : null,
    read: "full",
    warnings,
  };
}
