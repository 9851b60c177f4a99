// SessionConfigSchema.parse without zod, for a config stored whole (as every snapshot holds it); null on any doubt, so callers fall back to zod.
import { isObject } from "./fast-parse.js";
import type { SessionConfig } from "./session-config.js";

/*
 * Why: the reading commands need a session's settings from its snapshot, and loading zod to check them
 * took as long as starting Node. This accepts a config only when every field is present and valid (what
 * the writer stores) and builds the same object as the schema, unknown keys dropped; a config missing a
 * field (written before the field existed) or with any doubtful value is null, and the caller runs the
 * schema for its defaults or its error. Keep it in step with session-config.ts (fast-parse-stored.test.ts
 * compares the two on valid and broken configs).
 */

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isNullableString = (v: unknown): v is string | null => v === null || typeof v === "string";
const PROMPT_MODES = new Set(["auto", "raw", "briefed"]);
const SELECTOR_MODES = new Set(["human", "stateless", "agentic", "hybrid", "auto"]);

function generator(v: unknown): SessionConfig["generator"] | null {
  if (!isObject(v) || typeof v.provider !== "string" || typeof v.model !== "string") return null;
  if (!isNullableString(v.baseUrl)) return null;
  if (!isInt(v.segmentTokens) || v.segmentTokens <= 0) return null;
  if (!isInt(v.branchingFactor) || v.branchingFactor <= 0 || v.branchingFactor > 64) return null;
  if (!isNum(v.temperature) || v.temperature < 0 || v.temperature > 5) return null;
  if (!isNum(v.topP) || v.topP <= 0 || v.topP > 1) return null;
  if (!isInt(v.logprobs) || v.logprobs < 0 || v.logprobs > 20) return null;
  if (typeof v.promptMode !== "string" || !PROMPT_MODES.has(v.promptMode)) return null;
  if (v.seed !== null && !isInt(v.seed)) return null;
  const more = generatorExtras(v);
  if (more === null) return null;
  return {
    provider: v.provider,
    model: v.model,
    baseUrl: v.baseUrl,
    segmentTokens: v.segmentTokens,
    branchingFactor: v.branchingFactor,
    temperature: v.temperature,
    topP: v.topP,
    logprobs: v.logprobs,
    promptMode: v.promptMode as SessionConfig["generator"]["promptMode"],
    seed: v.seed,
    ...more,
  };
}

type Extras = Pick<
  SessionConfig["generator"],
  | "stop"
  | "topK"
  | "minP"
  | "logitBias"
  | "extraBody"
  | "memory"
  | "authorsNote"
  | "authorsNoteDepth"
  | "subtreeNotes"
  | "alongside"
>;

/** Generators alongside the session's: [] when absent, null on doubt (the schema then gives its error). */
function alongsideOf(v: unknown): SessionConfig["generator"]["alongside"] | null {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > 4) return null;
  const out: SessionConfig["generator"]["alongside"] = [];
  for (const a of v) {
    if (!isObject(a) || typeof a.provider !== "string" || a.provider.length === 0 || typeof a.model !== "string")
      return null;
    if (!isNullableString(a.baseUrl) || !isInt(a.branchingFactor) || a.branchingFactor <= 0 || a.branchingFactor > 64)
      return null;
    if (Object.keys(a).some((k) => !["provider", "model", "baseUrl", "branchingFactor"].includes(k))) return null;
    out.push({ provider: a.provider, model: a.model, baseUrl: a.baseUrl, branchingFactor: a.branchingFactor });
  }
  return out;
}

/** The sampling controls and prompt context added later: defaults when absent (an older snapshot), null on doubt. */
function generatorExtras(v: Record<string, unknown>): Extras | null {
  const stop = v.stop === undefined ? [] : v.stop;
  const topK = v.topK === undefined ? null : v.topK;
  const minP = v.minP === undefined ? null : v.minP;
  const logitBias = v.logitBias === undefined ? {} : v.logitBias;
  const extraBody = v.extraBody === undefined ? {} : v.extraBody;
  const memory = v.memory === undefined ? "" : v.memory;
  const authorsNote = v.authorsNote === undefined ? "" : v.authorsNote;
  const depth = v.authorsNoteDepth === undefined ? 3 : v.authorsNoteDepth;
  const subtreeNotes = v.subtreeNotes === undefined ? {} : v.subtreeNotes;
  if (!Array.isArray(stop) || stop.length > 16) return null;
  if (!stop.every((s) => typeof s === "string" && s.length > 0)) return null;
  if (topK !== null && !(isInt(topK) && topK >= 0 && topK <= 100_000)) return null;
  if (minP !== null && !(isNum(minP) && minP >= 0 && minP <= 1)) return null;
  if (!isObject(logitBias) || !isObject(extraBody)) return null;
  for (const [k, b] of Object.entries(logitBias)) if (!/^\d+$/.test(k) || !isNum(b) || b < -100 || b > 100) return null;
  if (typeof memory !== "string" || memory.length > 100_000) return null;
  if (typeof authorsNote !== "string" || authorsNote.length > 100_000) return null;
  if (!isInt(depth) || depth < 1 || depth > 10_000) return null;
  if (!isObject(subtreeNotes) || Object.keys(subtreeNotes).length > 1000) return null;
  for (const [k, note] of Object.entries(subtreeNotes))
    if (k.length === 0 || k.length > 200 || typeof note !== "string" || note.length === 0 || note.length > 100_000)
      return null;
  const alongside = alongsideOf(v.alongside);
  if (alongside === null) return null;
  return {
    stop: [...(stop as string[])],
    topK,
    minP,
    logitBias: { ...(logitBias as Record<string, number>) },
    extraBody: { ...extraBody },
    memory,
    authorsNote,
    authorsNoteDepth: depth,
    subtreeNotes: { ...(subtreeNotes as Record<string, string>) },
    alongside,
  };
}

function selector(v: unknown): SessionConfig["selector"] | null {
  if (!isObject(v) || typeof v.mode !== "string" || !SELECTOR_MODES.has(v.mode)) return null;
  if (!isNullableString(v.provider) || !isNullableString(v.model) || !isNullableString(v.baseUrl)) return null;
  if (typeof v.showLogprobs !== "boolean") return null;
  const viewTokens = v.viewTokens === undefined ? 6000 : v.viewTokens;
  if (!Number.isSafeInteger(viewTokens) || (viewTokens as number) < 200 || (viewTokens as number) > 1_000_000)
    return null;
  return {
    mode: v.mode as SessionConfig["selector"]["mode"],
    provider: v.provider,
    model: v.model,
    baseUrl: v.baseUrl,
    showLogprobs: v.showLogprobs,
    viewTokens: viewTokens as number,
  };
}

/** A complete stored SessionConfig checked without zod, or null when any field is absent or doubtful. */
export function parseSessionConfigFast(input: unknown): SessionConfig | null {
  if (!isObject(input)) return null;
  const g = generator(input.generator);
  const s = selector(input.selector);
  const { maxTokensTotal, maxSteps, outputDir, durable } = input;
  // Session presets are rare and nested: only "none" is read here; any other value goes to the schema.
  if (input.presets !== undefined && !(isObject(input.presets) && Object.keys(input.presets).length === 0)) return null;
  if (g === null || s === null || !isInt(maxTokensTotal) || maxTokensTotal <= 0) return null;
  if (maxSteps !== null && !(isInt(maxSteps) && maxSteps > 0)) return null;
  if (!isNullableString(outputDir) || typeof durable !== "boolean") return null;
  return { generator: g, selector: s, maxTokensTotal, maxSteps, outputDir, durable, presets: {} };
}
