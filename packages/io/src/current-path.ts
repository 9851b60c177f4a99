// Reads the text of the current path and its open decision from the snapshot's first frames, without decoding the loom's nodes and decisions.
import {
  currentText,
  DecisionEventSchema,
  NodeSchema,
  openDecisionAt,
  type DecisionEvent,
  type LoomNode,
} from "@loom/core";
import { decisionsUnder, parseDecisionFast, parseNodeFast } from "@loom/core/internal";
import { loadSessionFiles } from "./load-session.js";
import { readSnapshotAlone } from "./snapshot-alone.js";

export interface CurrentPathView {
  sessionId: string;
  /** Node ids, root … tip. */
  path: string[];
  /** The text of the current path. */
  text: string;
  /** The open (or clarifying) decision at the tip, with its candidates, if there is one. */
  open: { decision: DecisionEvent; candidates: LoomNode[] } | null;
  /** How it was read: from the head and path frames alone, or from the whole session (journal not empty, old format). */
  read: "path-frames" | "full";
}

/**
 * The current path's text and open decision. When the snapshot alone is the session (format 2, nothing in
 * the journal after it, no manifest line beyond what it vouches for: a session closed cleanly), only the
 * snapshot's first two frames are read: the time does not grow with the number of nodes off the path.
 * Otherwise the session is read whole.
 */
export async function readCurrentPath(dir: string): Promise<CurrentPathView> {
  const frames = await readSnapshotAlone(dir, { text: true });
  if (frames) {
    const loom = frames.head["loom"] as { sessionId: string; currentPath: string[] };
    const raw = frames.path["open"] as { decision: unknown; candidates: unknown[] } | null;
    const open = raw
      ? {
          decision: parseDecisionFast(raw.decision) ?? DecisionEventSchema.parse(raw.decision),
          candidates: raw.candidates.map((c) => parseNodeFast(c) ?? NodeSchema.parse(c)),
        }
      : null;
    return { sessionId: loom.sessionId, path: loom.currentPath, text: frames.text!, open, read: "path-frames" };
  }
  const { loom } = await loadSessionFiles(dir);
  const tip = loom.currentPath.at(-1)!;
  const id =
    openDecisionAt(loom, tip) ?? decisionsUnder(loom, tip).find((d) => loom.decisions[d]?.action === "clarify") ?? null;
  const decision = id ? loom.decisions[id]! : null;
  return {
    sessionId: loom.sessionId,
    path: loom.currentPath,
    text: currentText(loom),
    open: decision ? { decision, candidates: decision.candidateNodeIds.map((c) => loom.nodes[c]!) } : null,
    read: "full",
  };
}
