// A session's piece split at its steps, each step's text with the logprob gap of the choice that made it: the divergences to mark on the text.
import { DEFAULT_DIVERGENCE_THRESHOLD } from "@loom/core";
import { readCompactSession } from "./compact-session.js";

export interface PieceSegment {
  /** 0 for the seed, then one per chosen step. */
  step: number;
  text: string;
  /** The gap of the choice that put this text here (null: the seed, a written node, or no logprobs). */
  logprobGap: number | null;
  chosenBy: string | null;
  /** The gap is below the threshold: the chooser went against the base model's preference. */
  divergent: boolean;
}

export interface PieceMarks {
  sessionId: string;
  threshold: number;
  segments: PieceSegment[];
}

/** The current path's text of the session in `dir`, one segment per node, read read-only like the analysis. */
export async function pieceMarks(dir: string, threshold = DEFAULT_DIVERGENCE_THRESHOLD): Promise<PieceMarks> {
  const { head, nodes, decisions } = await readCompactSession(dir);
  const madeBy = new Map<string, (typeof decisions)[number]>();
  for (const d of decisions) if (d.action === "choose" && d.chosenNodeId !== null) madeBy.set(d.chosenNodeId, d);
  const segments = head.currentPath.flatMap((id, step) => {
    const node = nodes.get(id);
    if (!node) return [];
    const d = madeBy.get(id);
    const gap = d?.logprobGap ?? null;
    return [
      {
        step,
        text: node.text,
        logprobGap: gap,
        chosenBy: d?.chosenBy ?? null,
        divergent: gap !== null && gap < threshold,
      },
    ];
  });
  return { sessionId: head.sessionId, threshold, segments };
}
