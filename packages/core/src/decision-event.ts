// The DecisionEvent schema: one branch moment (candidates offered under a node) and its outcome.
import { z } from "zod";
import { ChosenBySchema, ScoresSchema } from "./node.js";
import { PieceViewRecordSchema } from "./piece-view-record.js";

export const DecisionActionSchema = z.enum(["choose", "clarify", "stop"]);
export type DecisionAction = z.infer<typeof DecisionActionSchema>;

export const DecisionEventSchema = z.object({
  id: z.string().min(1),
  parentNodeId: z.string().min(1),
  candidateNodeIds: z.array(z.string()),
  /** null while the decision is open (candidates offered, nothing decided yet). */
  action: DecisionActionSchema.nullable().default(null),
  chosenNodeId: z.string().nullable().default(null),
  chosenBy: ChosenBySchema.nullable().default(null),
  reason: z.string().nullable().default(null),
  ranking: z.array(z.string()).nullable().default(null),
  candidateScores: z.record(z.string(), ScoresSchema).default({}),
  clarificationQuestion: z.string().nullable().default(null),
  candidatesInTension: z.array(z.string()).nullable().default(null),
  whatHingesOnIt: z.string().nullable().default(null),
  humanResponse: z.string().nullable().default(null),
  maxLogprob: z.number().nullable().default(null),
  chosenLogprob: z.number().nullable().default(null),
  /** chosen − max over candidates that have logprobs; null when unavailable. */
  logprobGap: z.number().nullable().default(null),
  /** When the candidates were offered. */
  timestamp: z.string(),
  /** When the decision reached choose or stop (or clarify, until answered). */
  resolvedAt: z.string().nullable().default(null),
  /** The brief version the decision was made under (the loom's `briefVersion` when it was resolved); null before it was, and in sessions older than brief versions. */
  briefVersion: z.number().int().min(1).nullable().default(null),
  /** What an LLM selector was shown of the piece when it decided (whole, or the cut); null for other selectors and older sessions. */
  selectorView: PieceViewRecordSchema.nullable().default(null),
});
export type DecisionEvent = z.infer<typeof DecisionEventSchema>;
