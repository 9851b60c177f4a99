// The format of a re-judgement: one sealed NDJSON line per recorded decision a judge looked at again, kept in the session's state directory beside (never inside) its record.
import { join } from "node:path";
import { z } from "zod";

/** `state/rejudge.ndjson` in a session directory: every judge's verdicts on that session, appended. */
export const REJUDGE_FILE = join("state", "rejudge.ndjson");
export const REJUDGE_FORMAT = "loom-rejudge";
export const REJUDGE_VERSION = 1;

/** What one model call of the judge cost. */
export const JudgeUsageSchema = z.object({
  provider: z.string(),
  model: z.string(),
  inputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
  requests: z.number().int().min(0),
  /** null when no price was given for the model. */
  costUsd: z.number().min(0).nullable(),
});
export type JudgeUsage = z.infer<typeof JudgeUsageSchema>;

/** The judge's answer, in the selectors' decision format (a clarify is kept, though a headless judge is not offered one). */
export const VerdictSchema = z.object({
  action: z.enum(["choose", "stop", "clarify"]),
  /** The chosen candidate's node id (choose only). */
  choice: z.string().nullable(),
  ranking: z.array(z.string()).nullable(),
  scores: z.record(z.string(), z.record(z.string(), z.number())).nullable(),
  reason: z.string().nullable(),
});
export type Verdict = z.infer<typeof VerdictSchema>;

export const RejudgeLineSchema = z.object({
  format: z.literal(REJUDGE_FORMAT),
  version: z.literal(REJUDGE_VERSION),
  /** The judge's name (e.g. "auto", "anthropic:claude-sonnet-5-5"): with the decision id, the record's key. */
  judge: z.string().min(1),
  /** How the judge was set up (mode, provider, model, rule, seed…), for the reader of the record. */
  judgeConfig: z.record(z.string(), z.unknown()),
  sessionId: z.string(),
  decisionId: z.string(),
  /** The decision as it was replayed: its parent, its candidates and the brief version it was made under. */
  parentNodeId: z.string(),
  candidateNodeIds: z.array(z.string()),
  briefVersion: z.number().int().nullable(),
  /** Whether the human's answer to the decision's clarification was shown to the judge, as it was to the chooser. */
  withClarification: z.boolean(),
  /** null when the judge failed; a rerun tries the decision again. */
  verdict: VerdictSchema.nullable(),
  error: z.string().nullable(),
  usage: z.array(JudgeUsageSchema),
  at: z.string(),
});
export type RejudgeLine = z.infer<typeof RejudgeLineSchema>;
