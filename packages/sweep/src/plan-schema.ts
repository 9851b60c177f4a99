// The sweep plan's format (plan.toml): named briefs, generator configs, selector configs, seeds and repeats, and per-provider rate limits.
import { GeneratorConfigSchema, PriceTableSchema, SelectorConfigSchema } from "@loom/core";
import { z } from "zod";

/** Names become parts of session ids and of `sweep status` rows: short, plain. */
const NameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "a name is 1 to 40 letters, digits, _ or -");
const named = <T extends z.ZodType>(item: T) =>
  z.record(NameSchema, item).refine((r) => Object.keys(r).length > 0, "give at least one");

export const BriefEntrySchema = z.strictObject({
  /** The opening text every session of this brief grows from. */
  seed: z.string().min(1, "a seed text may not be empty"),
  /** A brief file (TOML or Markdown), relative to the plan; none means an empty brief. */
  file: z.string().min(1).optional(),
});

export const RateLimitSchema = z.strictObject({
  /** Requests per window, across every worker. */
  requests: z.number().int().positive().optional(),
  /** Tokens (prompt + completion) per window, across every worker. */
  tokens: z.number().int().positive().optional(),
  windowSeconds: z.number().positive().max(3600).default(60),
});

export const SweepPlanSchema = z.strictObject({
  /** The sweep's name; its sessions are `<name>:<brief>:<generator>:<selector>:s<seed>:r<repeat>`. */
  name: NameSchema,
  briefs: named(BriefEntrySchema),
  generators: named(GeneratorConfigSchema.partial().strict()),
  selectors: named(SelectorConfigSchema.partial().strict()),
  /** Sampling seeds: each cell runs once per seed (null: unseeded). */
  seeds: z.array(z.number().int()).min(1).default([0]),
  repeats: z.number().int().positive().max(1000).default(1),
  /** Decisions per session (the session's maxSteps). */
  maxSteps: z.number().int().positive().optional(),
  maxTokensTotal: z.number().int().positive().optional(),
  /** Shared limits by generator provider ("openai", "together"…). */
  limits: z.record(z.string().min(1), RateLimitSchema).default({}),
  /** US$ per million tokens by "provider:model" or model, for the cost `sweep status` shows. */
  prices: PriceTableSchema.default({}),
  /** Attempts per session after the first (a killed worker's session is retried). */
  retries: z.number().int().min(0).max(100).default(3),
});

export type SweepPlan = z.infer<typeof SweepPlanSchema>;
export type RateLimit = z.infer<typeof RateLimitSchema>;
