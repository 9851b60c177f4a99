// SessionConfig: generator and selector settings, the seed defaults and the named presets.
import { z } from "zod";

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
});
export type GeneratorConfig = z.infer<typeof GeneratorConfigSchema>;

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
