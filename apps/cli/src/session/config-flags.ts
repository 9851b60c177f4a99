// The flags that shape a session (generator, sampling, selector, budget) and how they become a SessionConfig.
import { knownProviders } from "@loom/generators";
import { SessionConfigSchema, applyPreset, type SessionConfig } from "@loom/core";
import type { OptionValues } from "../cli/define-command.js";
import { selectorProviderOf } from "@loom/selectors";
import { UsageError } from "../cli/exit-error.js";
import { presetNamed, type PresetSources } from "./user-presets.js";

/** Every provider @loom/generators builds, but its scripted test generator. */
export const GENERATORS = knownProviders().filter((p) => p !== "scripted");
export const SELECTORS = ["human", "stateless", "agentic", "hybrid", "auto"] as const;

/** Counts (steps, tokens) beyond this are surely typos; the limit also keeps them exact integers. */
export const MAX_COUNT = 1_000_000_000;

export const GENERATOR_OPTIONS = {
  generator: {
    type: "enum",
    choices: GENERATORS,
    description:
      "who proposes continuations (default: local, the in-process GGUF engine; openai, vllm, llamacpp, ollama… speak the OpenAI completions API)",
  },
  model: {
    type: "string",
    valueName: "MODEL",
    description: "generator model: a GGUF path or cached name for local, else the provider's model id",
  },
  "base-url": {
    type: "string",
    valueName: "URL",
    description: "OpenAI-compatible server (vLLM, llama.cpp, Ollama…) or provider endpoint",
  },
  preset: {
    type: "string",
    valueName: "NAME",
    description:
      "sampling preset: built-in default or stable (8 tokens, 4 branches, T 0.85, top-p 0.92), or one of yours (`loom preset list`)",
  },
  branching: {
    type: "number",
    integer: true,
    min: 1,
    max: 64,
    valueName: "N",
    description: "candidates per decision (default 8)",
  },
  "segment-tokens": {
    type: "number",
    integer: true,
    min: 1,
    max: 512,
    valueName: "N",
    description: "tokens per candidate (default 6)",
  },
  temperature: { type: "number", min: 0, max: 5, valueName: "T", description: "sampling temperature (default 1.0)" },
  "top-p": { type: "number", min: 0.0001, max: 1, valueName: "P", description: "nucleus sampling mass (default 1.0)" },
  "prompt-mode": {
    type: "enum",
    choices: ["auto", "raw", "briefed"],
    description:
      "auto (default): briefed when the brief has few-shot examples, a section intent or a rough draft, else raw; raw: the text so far; briefed: always",
  },
  "sample-seed": {
    type: "number",
    integer: true,
    min: 0,
    max: 2 ** 32 - 1,
    valueName: "N",
    description: "seed for reproducible sampling, where the generator honours one",
  },
  stop: {
    type: "string",
    valueName: "TEXT|JSON",
    description: 'a stop sequence, or a JSON array of them (e.g. \'["\\n\\n", "THE END"]\')',
  },
  "top-k": {
    type: "number",
    integer: true,
    min: 0,
    max: 100_000,
    valueName: "K",
    description: "sample only the K most likely tokens (local, vLLM, llama.cpp, Together…; refused where not taken)",
  },
  "min-p": {
    type: "number",
    min: 0,
    max: 1,
    valueName: "P",
    description: "drop tokens below P × the most likely one's probability (refused where not taken)",
  },
  "logit-bias": {
    type: "string",
    valueName: "JSON",
    description: "bias by token id, e.g. '{\"50256\": -100}' (-100 bans, 100 forces)",
  },
  "extra-body": {
    type: "string",
    valueName: "JSON",
    description:
      "extra fields for an OpenAI-compatible server's request body, as a JSON object (recorded in provenance)",
  },
  memory: {
    type: "string",
    valueName: "TEXT",
    description: "memory: text placed at the top of every prompt",
  },
  "authors-note": {
    type: "string",
    valueName: "TEXT",
    description: "author's note: text placed in the prompt a few segments before the end (see --authors-note-depth)",
  },
  "authors-note-depth": {
    type: "number",
    integer: true,
    min: 1,
    max: 10_000,
    valueName: "N",
    description: "how many of the last segments follow the author's note (default 3)",
  },
  alongside: {
    type: "string",
    valueName: "PROVIDER[:MODEL]",
    description:
      "another generator whose candidates join every step beside this one's, e.g. openai:davinci-002 (none: only this one)",
  },
  "alongside-branching": {
    type: "number",
    integer: true,
    min: 1,
    max: 64,
    valueName: "N",
    description: "candidates the --alongside generator adds to each step (default 2)",
  },
  "alongside-base-url": { type: "string", valueName: "URL", description: "endpoint for the --alongside generator" },
} as const;

/** `--alongside PROVIDER[:MODEL]` with its count and base URL: one generator beside the session's, or none. */
export function alongsideFlag(v: Partial<GenValues>, current: SessionConfig["generator"]["alongside"]) {
  const spec = v.alongside;
  if (spec === undefined) {
    if (v["alongside-branching"] === undefined && v["alongside-base-url"] === undefined) return current;
    if (current.length !== 1)
      throw new UsageError("--alongside-branching and --alongside-base-url need --alongside PROVIDER[:MODEL]");
    return [
      {
        ...current[0]!,
        ...(v["alongside-branching"] !== undefined ? { branchingFactor: v["alongside-branching"] } : {}),
        ...(v["alongside-base-url"] !== undefined ? { baseUrl: v["alongside-base-url"] } : {}),
      },
    ];
  }
  if (spec === "none") return [];
  const at = spec.indexOf(":");
  const provider = at < 0 ? spec : spec.slice(0, at);
  if (!GENERATORS.includes(provider))
    throw new UsageError(`--alongside: unknown provider "${provider}" (known: ${GENERATORS.join(", ")})`);
  return [
    {
      provider,
      model: at < 0 ? "" : spec.slice(at + 1),
      baseUrl: v["alongside-base-url"] ?? null,
      branchingFactor: v["alongside-branching"] ?? 2,
    },
  ];
}

export const SELECTOR_OPTIONS = {
  selector: {
    type: "enum",
    choices: SELECTORS,
    description:
      "who chooses: human (keyboard), stateless or agentic LLM, hybrid (LLM + your answers), auto (offline, follows the model)",
  },
  "selector-model": {
    type: "string",
    valueName: "MODEL",
    description: "LLM for the selector, e.g. claude-sonnet-5-5 or gpt-4.1 (provider:model also works)",
  },
  "selector-base-url": { type: "string", valueName: "URL", description: "endpoint for the selector's provider" },
  "max-steps": {
    type: "number",
    integer: true,
    min: 1,
    max: MAX_COUNT,
    valueName: "N",
    description: "per run: each run makes at most N decisions (on new: the default for every run of the session)",
  },
} as const;

/** The session's token budget: on new it is set, on run and resume it is changed and saved with the session. */
export const BUDGET_OPTIONS = {
  "max-tokens-total": {
    type: "number",
    integer: true,
    min: 1,
    max: MAX_COUNT,
    valueName: "N",
    description:
      "per session: the current path holds at most N generated tokens (default 1500; raise it on run/resume to continue)",
  },
} as const;

type GenValues = OptionValues<typeof GENERATOR_OPTIONS>;
type SelValues = OptionValues<typeof SELECTOR_OPTIONS & typeof BUDGET_OPTIONS>;

/**
 * Applies flags on top of `base` (a new session's defaults, or a stored config being overridden
 * for one run). A preset goes first so explicit sampling flags win over it.
 */
export function applyConfigFlags(
  base: SessionConfig,
  v: Partial<GenValues & SelValues>,
  presets: PresetSources = {},
): SessionConfig {
  let config = SessionConfigSchema.parse(structuredClone(base));
  if (v.preset) config = applyPreset(config, presetNamed(v.preset, { session: config.presets, ...presets }));
  const g = config.generator;
  if (v.generator) g.provider = v.generator;
  if (v.model !== undefined) g.model = v.model;
  if (v["base-url"] !== undefined) g.baseUrl = v["base-url"];
  if (v.branching !== undefined) g.branchingFactor = v.branching;
  if (v["segment-tokens"] !== undefined) g.segmentTokens = v["segment-tokens"];
  if (v.temperature !== undefined) g.temperature = v.temperature;
  if (v["top-p"] !== undefined) g.topP = v["top-p"];
  if (v["prompt-mode"] !== undefined) g.promptMode = v["prompt-mode"] as "auto" | "raw" | "briefed";
  if (v["sample-seed"] !== undefined) g.seed = v["sample-seed"];
  if (v.stop !== undefined) g.stop = stopFlag(v.stop);
  if (v["top-k"] !== undefined) g.topK = v["top-k"];
  if (v["min-p"] !== undefined) g.minP = v["min-p"];
  if (v["logit-bias"] !== undefined)
    g.logitBias = jsonObjectFlag("--logit-bias", v["logit-bias"]) as Record<string, number>;
  if (v["extra-body"] !== undefined) g.extraBody = jsonObjectFlag("--extra-body", v["extra-body"]);
  if (v.memory !== undefined) g.memory = v.memory;
  if (v["authors-note"] !== undefined) g.authorsNote = v["authors-note"];
  if (v["authors-note-depth"] !== undefined) g.authorsNoteDepth = v["authors-note-depth"];
  g.alongside = alongsideFlag(v, g.alongside);
  const s = config.selector;
  if (v.selector) s.mode = v.selector;
  if (v["selector-model"] !== undefined) {
    const { provider, model } = selectorProviderOf(v["selector-model"]);
    s.provider = provider;
    s.model = model;
  }
  if (v["selector-base-url"] !== undefined) s.baseUrl = v["selector-base-url"];
  if (v["max-tokens-total"] !== undefined) config.maxTokensTotal = v["max-tokens-total"];
  if (v["max-steps"] !== undefined) config.maxSteps = v["max-steps"];
  if ((s.mode === "stateless" || s.mode === "agentic" || s.mode === "hybrid") && !s.model) {
    throw new UsageError(
      `--selector ${s.mode} needs --selector-model (e.g. --selector-model claude-sonnet-5-5 or gpt-4.1)`,
      "or use --selector auto to run offline, or --selector human to choose yourself",
    );
  }
  const parsed = SessionConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${issue.path.join(".")}: ${issue.message}`, "see: loom new --help");
  }
  return parsed.data;
}

/** `--stop`: one stop sequence, or a JSON array of them. */
function stopFlag(raw: string): string[] {
  if (!raw.trimStart().startsWith("[")) return [raw];
  const value = parseJsonFlag("--stop", raw);
  if (!Array.isArray(value) || !value.every((s) => typeof s === "string"))
    throw new UsageError("--stop must be a stop sequence or a JSON array of strings", `got ${raw}`);
  return value as string[];
}

function parseJsonFlag(flag: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`${flag} is not valid JSON: ${(error as Error).message}`, `got ${raw}`);
  }
}

function jsonObjectFlag(flag: string, raw: string): Record<string, unknown> {
  const value = parseJsonFlag(flag, raw);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new UsageError(`${flag} must be a JSON object`, `got ${raw}`);
  return value as Record<string, unknown>;
}

/**
 * The settings a run's flags change for good (the token budget), as the config to save; null when
 * nothing changes. Everything else a run's flags set applies to that run only.
 */
export function persistentConfigChanges(stored: SessionConfig, v: Partial<SelValues>): SessionConfig | null {
  const budget = v["max-tokens-total"];
  if (budget === undefined || budget === stored.maxTokensTotal) return null;
  return SessionConfigSchema.parse({ ...structuredClone(stored), maxTokensTotal: budget });
}
