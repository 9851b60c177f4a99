// SessionConfig: generator and selector settings, the seed defaults and the named presets.
import { z } from "zod";

/** A generator whose candidates join every step beside the session's own (same sampling settings, its own model). */
export const AlongsideGeneratorSchema = z
  .object({
    provider: z.string().min(1, "a generator alongside needs a provider"),
    model: z.string().default(""),
    baseUrl: z.string().nullable().default(null),
    /** Candidates it adds to each step. */
    branchingFactor: z.number().int().positive().max(64).default(2),
  })
  .strict();
export type AlongsideGenerator = z.infer<typeof AlongsideGeneratorSchema>;

export const GeneratorConfigSchema = z.object({
  provider: z.string().default("local"),
  model: z.string().default(""),
  baseUrl: z.string().nullable().default(null),
  segmentTokens: z.number().int().positive().default(6),
  branchingFactor: z.number().int().positive().max(64).default(8),
  temperature: z.number().min(0).max(5).default(1.0),
  topP: z.number().gt(0).max(1).default(1.0),
  /** Top alternatives per token, where the generator supports it; 0 turns logprobs off. */
  logprobs: z.number().int().min(0).max(20).default(5),
  /**
   * `auto` (the default): briefed when the brief has few-shot examples, a section intent or a rough
   * draft, raw otherwise; `raw` or `briefed` force one shape.
   */
  promptMode: z.enum(["auto", "raw", "briefed"]).default("auto"),
  seed: z.number().int().nullable().default(null),
  /** Stop sequences: a candidate ends where one appears ("\n\n" is common; Anthropic's adapter handles whitespace-only ones). */
  stop: z.array(z.string().min(1, "a stop sequence may not be empty")).max(16).default([]),
  /** Keep only the K most likely tokens (null: not sent; 0 turns a server's own top-k off where it has one). */
  topK: z.number().int().min(0).max(100_000).nullable().default(null),
  /** Drop tokens less likely than min-p times the most likely one (null: not sent). */
  minP: z.number().min(0).max(1).nullable().default(null),
  /** Added to a token's logit before sampling, by token id (as OpenAI's `logit_bias`): -100 bans, 100 forces. */
  logitBias: z
    .record(z.string().regex(/^\d+$/, "logit bias keys are token ids"), z.number().min(-100).max(100))
    .default({}),
  /** Extra fields merged into an OpenAI-compatible server's request body as given (recorded in provenance). */
  extraBody: z.record(z.string(), z.unknown()).default({}),
  /** Memory: text placed at the top of every prompt, above the piece (as the other looms' memory). */
  memory: z.string().max(100_000).default(""),
  /** Author's note: text placed inside the piece, `authorsNoteDepth` segments before its end. */
  authorsNote: z.string().max(100_000).default(""),
  /** How many of the current path's last segments (nodes) come after the author's note (at least 1). */
  authorsNoteDepth: z.number().int().min(1).max(10_000).default(3),
  /**
   * Author's notes for one subtree each, by the node the subtree starts at: a prompt whose path passes through
   * such a node takes the nearest one (the deepest on the path) instead of `authorsNote`, at the same depth.
   */
  subtreeNotes: z
    .record(z.string().min(1).max(200), z.string().min(1, "a subtree note may not be empty").max(100_000))
    .refine((notes) => Object.keys(notes).length <= 1000, "at most 1,000 subtree notes")
    .default({}),
  /** Several generators in one step: each adds its candidates beside this generator's, every node recording its model. */
  alongside: z.array(AlongsideGeneratorSchema).max(4, "at most 4 generators alongside").default([]),
});
export type GeneratorConfig = z.infer<typeof GeneratorConfigSchema>;

/** The settings a preset may hold: how to sample, never which provider or model (see generation-preset.ts). */
export const PRESET_FIELDS = [
  "segmentTokens",
  "branchingFactor",
  "temperature",
  "topP",
  "logprobs",
  "promptMode",
  "stop",
  "topK",
  "minP",
  "logitBias",
] as const;
export type PresetField = (typeof PRESET_FIELDS)[number];

/** A preset: any of PRESET_FIELDS, each validated as the session config validates it; anything else is refused. */
export const GenerationPresetSchema = z
  .object(
    Object.fromEntries(
      PRESET_FIELDS.map((k) => [k, (GeneratorConfigSchema.shape[k] as z.ZodDefault<z.ZodType>).unwrap().optional()]),
    ) as { [K in PresetField]: z.ZodOptional<z.ZodType<GeneratorConfig[K]>> },
  )
  .strict();
export type GenerationPreset = Partial<Pick<GeneratorConfig, PresetField>>;

export const SelectorModeSchema = z.enum(["human", "stateless", "agentic", "hybrid", "auto"]);
export type SelectorMode = z.infer<typeof SelectorModeSchema>;

export const SelectorConfigSchema = z.object({
  mode: SelectorModeSchema.default("human"),
  provider: z.string().nullable().default(null),
  model: z.string().nullable().default(null),
  baseUrl: z.string().nullable().default(null),
  showLogprobs: z.boolean().default(true),
  /** Tokens of the piece an LLM selector is shown at a decision: the whole text when it fits, else the opening, the middle's summary and the recent passage. */
  viewTokens: z.number().int().min(200).max(1_000_000).default(6000),
});
export type SelectorConfig = z.infer<typeof SelectorConfigSchema>;

export const SessionConfigSchema = z.object({
  generator: GeneratorConfigSchema.default(GeneratorConfigSchema.parse({})),
  selector: SelectorConfigSchema.default(SelectorConfigSchema.parse({})),
  maxTokensTotal: z.number().int().positive().default(1500),
  maxSteps: z.number().int().positive().nullable().default(null),
  outputDir: z.string().nullable().default(null),
  /**
   * fsync the journal and manifest on every decision, so an acknowledged decision survives power loss too
   * (default false: group commit, fsync at most 100 ms after each decision). A session opened with an
   * explicit `durable` option (@loom/io) uses that instead.
   */
  durable: z.boolean().default(false),
  /** The session's own named presets (beside the built-ins and the user's presets file). */
  presets: z.record(z.string(), GenerationPresetSchema).default({}),
});
export type SessionConfig = z.infer<typeof SessionConfigSchema>;
export type SessionConfigInput = z.input<typeof SessionConfigSchema>;

/** Sampling presets. `default` is the seed's setting; `stable` trades surprise for coherence. */
export const SAMPLING_PRESETS = {
  default: { segmentTokens: 6, branchingFactor: 8, temperature: 1.0, topP: 1.0 },
  stable: { segmentTokens: 8, branchingFactor: 4, temperature: 0.85, topP: 0.92 },
} as const satisfies Record<string, Partial<GeneratorConfig>>;
export type SamplingPresetName = keyof typeof SAMPLING_PRESETS;

export function defaultSessionConfig(input: SessionConfigInput = {}): SessionConfig {
  return SessionConfigSchema.parse(input);
}

/** A config with a preset's sampling values applied on top of `input`'s generator settings. */
export function withPreset(config: SessionConfig, preset: SamplingPresetName): SessionConfig {
  return { ...config, generator: { ...config.generator, ...SAMPLING_PRESETS[preset] } };
}
