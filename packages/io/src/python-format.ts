// The session format of the seed's Python reference implementation (snake_case loom.json), as zod schemas.
import { z } from "zod";

const num = z.number();
const unixSeconds = z.number().nonnegative();

export const PythonNodeSchema = z.object({
  id: z.string().min(1),
  parent_id: z.string().min(1).nullable(),
  text: z.string(),
  /** A cache of the root path's text: checked against the segments on import, never carried over. */
  full_text: z.string().optional(),
  token_ids: z.array(z.number().int()).nullable().optional(),
  token_logprobs: z.array(num).nullable().optional(),
  step_logprob: num.nullable().optional(),
  decision_id: z.string().nullable().optional(),
  was_chosen: z.boolean().optional(),
  chosen_by: z.string().nullable().optional(),
  selection_reason: z.string().nullable().optional(),
  scores: z.record(z.string(), num).nullable().optional(),
  created_at: unixSeconds.optional(),
  meta: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type PythonNode = z.infer<typeof PythonNodeSchema>;

export const PythonDecisionSchema = z.object({
  id: z.string().min(1),
  parent_node_id: z.string().min(1),
  candidate_node_ids: z.array(z.string()),
  /** "" while unresolved. */
  action: z.enum(["", "choose", "clarify", "stop"]).nullable().optional(),
  chosen_node_id: z.string().nullable().optional(),
  chosen_by: z.string().nullable().optional(),
  reason: z.string().nullable().optional(),
  clarification_question: z.string().nullable().optional(),
  candidates_in_tension: z.array(z.string()).nullable().optional(),
  what_hinges_on_it: z.string().nullable().optional(),
  human_response: z.string().nullable().optional(),
  candidate_scores: z.record(z.string(), z.record(z.string(), num)).nullable().optional(),
  max_logprob: num.nullable().optional(),
  chosen_logprob: num.nullable().optional(),
  logprob_gap: num.nullable().optional(),
  timestamp: unixSeconds.optional(),
});
export type PythonDecision = z.infer<typeof PythonDecisionSchema>;

export const PythonLoomSchema = z.object({
  session_id: z.string().min(1),
  root_id: z.string().min(1),
  current_path: z.array(z.string()).min(1),
  held_paths: z.array(z.array(z.string())).nullable().optional(),
  brief: z.string().nullable().optional(),
  config: z.record(z.string(), z.unknown()).nullable().optional(),
  created_at: unixSeconds.optional(),
  nodes: z.record(z.string(), PythonNodeSchema),
  decision_events: z.record(z.string(), PythonDecisionSchema),
});
export type PythonLoom = z.infer<typeof PythonLoomSchema>;

/** One line of the Python manifest.ndjson (only what the import cross-checks). */
export const PythonManifestLineSchema = z.object({
  session_id: z.string().optional(),
  decision_id: z.string().min(1),
  action: z.string().optional(),
});
