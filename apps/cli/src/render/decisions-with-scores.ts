// `loom decisions --scores`: the last decisions with each candidate's rank and scores, from the whole session (the digest has no candidates).
import { candidateScoreRows, decisionRows, lastDecisions } from "@loom/core";
import { readSession } from "@loom/io";
import type { Output } from "../cli/output.js";
import { renderDecisionScores } from "./decision-scores.js";
import { decisionsJson, renderDecisions } from "./decisions.js";

export async function printDecisionsWithScores(dir: string, last: number, out: Output): Promise<void> {
  const { loom, warnings } = await readSession(dir);
  for (const w of warnings) out.warn(w);
  const rows = decisionRows(loom, lastDecisions(loom, last));
  out.result(
    {
      sessionId: loom.sessionId,
      decisions: decisionsJson(rows).map((d, i) => ({
        ...d,
        candidates: candidateScoreRows(loom, rows[i]!.decision),
      })),
    },
    () => renderDecisions(rows, out.colors, "no decisions yet", (d) => renderDecisionScores(loom, d, out.colors)),
  );
}
