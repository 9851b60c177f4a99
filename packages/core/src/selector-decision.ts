// The decision format every selector returns (human, stateless LLM, agentic LLM): choose, clarify or stop.
import { z } from "zod";
import { ScoresSchema } from "./node.js";

export const ChooseDecisionSchema = z.object({
  action: z.literal("choose"),
  /** The id of the chosen candidate. */
  choice: z.string().min(1),
  /** Candidate ids, best first. */
  ranking: z.array(z.string()).optional(),
  /** Per candidate id, per criterion. */
  scores: z.record(z.string(), ScoresSchema).optional(),
  reason: z.string().min(1),
});

export const ClarifyDecisionSchema = z.object({
  action: z.literal("clarify"),
  question: z.string().min(1),
  candidatesInTension: z.array(z.string()).min(1),
  whatHingesOnIt: z.string().min(1),
});

export const StopDecisionSchema = z.object({
  action: z.literal("stop"),
  reason: z.string().min(1),
});

export const SelectorDecisionSchema = z.discriminatedUnion("action", [
  ChooseDecisionSchema,
  ClarifyDecisionSchema,
  StopDecisionSchema,
]);
export type ChooseDecision = z.infer<typeof ChooseDecisionSchema>;
export type ClarifyDecision = z.infer<typeof ClarifyDecisionSchema>;
export type StopDecision = z.infer<typeof StopDecisionSchema>;
export type SelectorDecision = z.infer<typeof SelectorDecisionSchema>;

/** JSON Schema of the decision format, for structured output and tool definitions. */
export function selectorDecisionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SelectorDecisionSchema, { target: "draft-7" }) as Record<string, unknown>;
}
