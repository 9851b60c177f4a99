// The agentic selector's nine tools as a contract: zod input schemas (the source of truth), JSON Schemas, descriptions, the interface an implementation fills in and the dispatch that validates a call before running it.
import { z } from "zod";

export const GenerateCandidatesInputSchema = z
  .object({
    parentNodeId: z
      .string()
      .min(1)
      .optional()
      .describe("Node to continue from; default: the tip of the current text. Another node branches from there."),
    n: z
      .number()
      .int()
      .min(1)
      .max(16)
      .optional()
      .describe("How many candidates (default: the session's branching factor)."),
    maxTokens: z
      .number()
      .int()
      .min(1)
      .max(256)
      .optional()
      .describe("Length of each candidate in tokens (default: the session's segment length)."),
  })
  .strict();

export const CommitChoiceInputSchema = z
  .object({
    candidateId: z.string().min(1).describe("Id of the candidate to append to the text."),
    reason: z.string().min(1).describe("Why this candidate, in terms of the brief."),
    scores: z
      .record(z.string(), z.record(z.string(), z.number()))
      .optional()
      .describe("Optional scores per candidate id, per criterion (0-10)."),
    ranking: z.array(z.string()).optional().describe("Optional: candidate ids, best first."),
  })
  .strict();

export const RequestHumanInputInputSchema = z
  .object({
    question: z.string().min(1).describe("One question for the human."),
    candidatesInTension: z.array(z.string().min(1)).min(1).describe("Ids of the candidates the question is about."),
    whatHingesOnIt: z.string().min(1).describe("What the answer decides for the piece."),
  })
  .strict();

export const StopGenerationInputSchema = z
  .object({ reason: z.string().min(1).describe("Why the piece is done.") })
  .strict();

export const LoomQueryTypeSchema = z.enum([
  "last_n_decisions",
  "rejected_at",
  "find_divergences",
  "find_clarifications",
  "find_token_divergences",
]);

export const QueryLoomInputSchema = z
  .object({
    queryType: LoomQueryTypeSchema.describe(
      "last_n_decisions: recent decisions; rejected_at: candidates not chosen under a node; find_divergences: choices far below the base model's favourite; find_clarifications: questions asked so far; find_token_divergences: tokens of the current text that were not the base model's favourite and that it gave a low probability.",
    ),
    params: z
      .object({
        n: z.number().int().min(1).max(100).optional().describe("last_n_decisions: how many (default 5)."),
        nodeId: z.string().min(1).optional().describe("rejected_at: the parent node (default: the parent of the tip)."),
        threshold: z
          .number()
          .optional()
          .describe(
            "find_divergences: logprobGap below this (default -1: at least 1 nat below the base model's favourite).",
          ),
        maxProbability: z
          .number()
          .gt(0)
          .max(1)
          .optional()
          .describe("find_token_divergences: probability below which such a token is listed (default 0.1)."),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The brief's fields the agent may propose to change (the whole brief is shown in its system prompt). */
export const UpdateBriefInputSchema = z
  .object({
    changes: z
      .object({
        title: z.string().optional(),
        domain: z.string().optional(),
        voice: z.string().optional(),
        register: z.string().optional(),
        lengthHint: z.string().optional(),
        leanInto: z.array(z.string()).optional(),
        avoid: z.array(z.string()).optional(),
        notes: z.string().optional(),
        fewshotExamples: z.string().optional(),
        sectionIntent: z.string().optional(),
        roughDraft: z.string().optional(),
      })
      .strict()
      .refine((c) => Object.keys(c).length > 0, "name at least one field to change")
      .describe("The fields to replace, with their new values; fields not named stay as they are."),
    reason: z.string().min(1).describe("Why the brief should change: what the piece has shown that the brief missed."),
  })
  .strict();

export const HoldPathInputSchema = z
  .object({
    nodeId: z
      .string()
      .min(1)
      .optional()
      .describe("The tip of the path to keep (default: the tip of the current text)."),
  })
  .strict();

export const SwitchPathInputSchema = z
  .object({
    to: z
      .string()
      .min(1)
      .describe("A held path's id (h1, h2… as hold_path listed them) or any node id; the path you leave is held."),
  })
  .strict();

export const UpdateSummaryInputSchema = z
  .object({
    summary: z
      .string()
      .min(1)
      .max(40_000)
      .describe(
        "A summary of the piece's middle: everything between the opening and the recent passage you are shown (its images, turns and threads left open). It replaces the earlier summary.",
      ),
  })
  .strict();

export type GenerateCandidatesInput = z.infer<typeof GenerateCandidatesInputSchema>;
export type CommitChoiceInput = z.infer<typeof CommitChoiceInputSchema>;
export type RequestHumanInputInput = z.infer<typeof RequestHumanInputInputSchema>;
export type StopGenerationInput = z.infer<typeof StopGenerationInputSchema>;
export type QueryLoomInput = z.infer<typeof QueryLoomInputSchema>;
export type UpdateBriefInput = z.infer<typeof UpdateBriefInputSchema>;
export type UpdateSummaryInput = z.infer<typeof UpdateSummaryInputSchema>;
export type HoldPathInput = z.infer<typeof HoldPathInputSchema>;
export type SwitchPathInput = z.infer<typeof SwitchPathInputSchema>;
export type LoomQueryType = z.infer<typeof LoomQueryTypeSchema>;

export const AGENT_TOOL_SCHEMAS = {
  generate_candidates: GenerateCandidatesInputSchema,
  commit_choice: CommitChoiceInputSchema,
  request_human_input: RequestHumanInputInputSchema,
  stop_generation: StopGenerationInputSchema,
  query_loom: QueryLoomInputSchema,
  update_brief: UpdateBriefInputSchema,
  update_summary: UpdateSummaryInputSchema,
  hold_path: HoldPathInputSchema,
  switch_path: SwitchPathInputSchema,
} as const;
export type AgentToolName = keyof typeof AGENT_TOOL_SCHEMAS;

const DESCRIPTIONS: Record<AgentToolName, string> = {
  generate_candidates:
    "Ask the base model for candidate continuations. Returns candidate ids, texts and logprobs (when available). Calling it again at the same node adds more candidates to the same decision.",
  commit_choice: "Append one of the current candidates to the text. Ends this step.",
  request_human_input:
    "Ask the human a question when candidates pull in directions that matter and the brief does not settle it. Returns the human's answer; then commit_choice or stop_generation.",
  stop_generation: "End the piece. Use it when the text is complete under the brief.",
  query_loom:
    "Look at the history of this session: recent decisions, rejected candidates, divergences from the base model, clarifications.",
  update_brief:
    "Propose a change to the brief when the piece has found something the brief does not say. The human must approve it; an approved change applies from the next decision on, and the brief's history keeps the old version.",
  update_summary:
    "Keep the summary of the piece's middle up to date once the piece outgrows your view: the summary stands in for the middle in every later view (yours and any other selector's), so write what a reader of the opening and the recent passage would need. Returns its version and the node it covers through.",
  hold_path:
    "Keep a promising path to come back to: the current text, or the path ending at a node (a rejected candidate worth trying later). Returns the held paths (h1, h2…).",
  switch_path:
    "Continue from a held path (or any node) instead: the text becomes that path's and the path you leave is held. Then call generate_candidates.",
};

export interface AgentToolDefinition {
  name: AgentToolName;
  description: string;
  /** JSON Schema (draft-7) of the input object, generated from the zod schema. */
  inputSchema: Record<string, unknown>;
}

/** The tools as provider-neutral definitions. */
export function agentToolDefinitions(): AgentToolDefinition[] {
  return (Object.keys(AGENT_TOOL_SCHEMAS) as AgentToolName[]).map((name) => {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(AGENT_TOOL_SCHEMAS[name], { target: "draft-7" }) as Record<
      string,
      unknown
    >;
    return { name, description: DESCRIPTIONS[name], inputSchema: schema };
  });
}

/** What a tool call produced: JSON-serialisable content for the model, and whether the step ended. */
export interface AgentToolResult {
  content: unknown;
  /** An error the model should see and correct (bad id, nothing to commit…). */
  isError?: boolean;
  /** Set by commit_choice and stop_generation when they took effect. */
  outcome?: "committed" | "stopped";
}

/**
 * Implemented by the orchestrator, which owns every model call and mutation. A method returns an
 * error result for the model's mistakes and throws only for failures the model cannot fix
 * (a generator outage, an abort), which end the agent's turn with the session intact.
 */
export interface AgentTools {
  generateCandidates(input: GenerateCandidatesInput, signal?: AbortSignal): Promise<AgentToolResult>;
  commitChoice(input: CommitChoiceInput, signal?: AbortSignal): Promise<AgentToolResult>;
  requestHumanInput(input: RequestHumanInputInput, signal?: AbortSignal): Promise<AgentToolResult>;
  stopGeneration(input: StopGenerationInput, signal?: AbortSignal): Promise<AgentToolResult>;
  queryLoom(input: QueryLoomInput, signal?: AbortSignal): Promise<AgentToolResult>;
  updateBrief(input: UpdateBriefInput, signal?: AbortSignal): Promise<AgentToolResult>;
  updateSummary(input: UpdateSummaryInput, signal?: AbortSignal): Promise<AgentToolResult>;
  holdPath(input: HoldPathInput, signal?: AbortSignal): Promise<AgentToolResult>;
  switchPath(input: SwitchPathInput, signal?: AbortSignal): Promise<AgentToolResult>;
}

/** Validate a raw tool call and run it; bad names and inputs become error results, never exceptions. */
export async function runAgentTool(
  tools: AgentTools,
  name: string,
  input: unknown,
  signal?: AbortSignal,
): Promise<AgentToolResult> {
  if (!(name in AGENT_TOOL_SCHEMAS)) {
    return {
      isError: true,
      content: `unknown tool "${name}"; the tools are ${Object.keys(AGENT_TOOL_SCHEMAS).join(", ")}`,
    };
  }
  const parsed = AGENT_TOOL_SCHEMAS[name as AgentToolName].safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.length ? i.path.join(".") : "input"}: ${i.message}`)
      .join("; ");
    return { isError: true, content: `invalid input for ${name}: ${issues}` };
  }
  switch (name as AgentToolName) {
    case "generate_candidates":
      return tools.generateCandidates(parsed.data as GenerateCandidatesInput, signal);
    case "commit_choice":
      return tools.commitChoice(parsed.data as CommitChoiceInput, signal);
    case "request_human_input":
      return tools.requestHumanInput(parsed.data as RequestHumanInputInput, signal);
    case "stop_generation":
      return tools.stopGeneration(parsed.data as StopGenerationInput, signal);
    case "query_loom":
      return tools.queryLoom(parsed.data as QueryLoomInput, signal);
    case "update_brief":
      return tools.updateBrief(parsed.data as UpdateBriefInput, signal);
    case "update_summary":
      return tools.updateSummary(parsed.data as UpdateSummaryInput, signal);
    case "hold_path":
      return tools.holdPath(parsed.data as HoldPathInput, signal);
    case "switch_path":
      return tools.switchPath(parsed.data as SwitchPathInput, signal);
  }
}
