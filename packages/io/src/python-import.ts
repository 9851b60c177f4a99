// Converts a session of the seed's Python reference implementation into a Loom (every node, decision and path).
import {
  BriefSchema,
  SessionConfigSchema,
  type Brief,
  type ChosenBy,
  type DecisionEvent,
  type Loom,
  type LoomNode,
  type SessionConfig,
  TokenList,
  type Token,
} from "@loom/core";
import { ChosenBySchema, LOOM_FORMAT_VERSION, noTreeWork } from "@loom/core/internal";
import { looksLikeTomlBrief, parseBriefText, parseBriefToml } from "./brief-file.js";
import { IoError } from "./io-error.js";
import type { PythonDecision, PythonLoom, PythonNode } from "./python-format.js";
import { parseOrThrow } from "./zod-issue.js";

/**
 * Unix seconds (the reference's `time.time()`, microsecond resolution) as an ISO time with six fractional
 * digits, so no precision is lost; `unixSecondsOf` reads it back.
 */
export function isoMicros(seconds: number): string {
  const micros = Math.round(seconds * 1e6);
  const ms = Math.floor(micros / 1000);
  const rest = String(micros - ms * 1000).padStart(3, "0");
  return `${new Date(ms).toISOString().slice(0, -1)}${rest}Z`;
}

const iso = (seconds: number | undefined, fallback: string) => (seconds === undefined ? fallback : isoMicros(seconds));

/** The reference's engine_type names → Loom's provider names (others are kept, and refused on use if unknown). */
const ENGINE_NAMES: Record<string, string> = {
  claude_cli_sim: "anthropic-cli-sim",
  claude_prefill: "anthropic-prefill",
  vllm: "vllm",
  together: "together",
  fake: "scripted",
};

/**
 * The reference implementation's own defaults (its `SessionConfig()` dataclasses: loom/core/config.py of
 * the seed), used for what its config leaves out. Its default model, claude-3-5-sonnet-latest, is retired:
 * left out, so the adapter's current default applies (a warning says so).
 */
const REFERENCE_DEFAULTS = {
  base_engine: {
    engine_type: "claude_cli_sim",
    segment_tokens: 6,
    branching_factor: 8,
    temperature: 1.0,
    top_p: 1.0,
    max_logprobs: 0,
  },
  selector: { mode: "agentic", show_logprobs: true },
  max_tokens_total: 1500,
  output_dir: "loom_sessions",
};
const RETIRED_DEFAULT_MODEL = "claude-3-5-sonnet-latest";

export interface PythonConversion {
  loom: Loom;
  warnings: string[];
}

function chosenBy(value: string | null | undefined, where: string, warnings: string[]): ChosenBy | null {
  if (value === null || value === undefined || value === "") return null;
  const parsed = ChosenBySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  warnings.push(`${where}: chosen_by "${value}" is not one of human, selector_llm, auto; imported as null`);
  return null;
}

const objectOr = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The Python SessionConfig (asdict) → SessionConfig, the reference's defaults filling what it leaves out; unknown keys are ignored, bad values are errors. */
function convertConfig(
  config: Record<string, unknown> | null | undefined,
  file: string,
  warnings: string[],
): SessionConfig {
  const given = config ?? {};
  const c: Record<string, unknown> = { ...REFERENCE_DEFAULTS, ...given };
  const engine = { ...REFERENCE_DEFAULTS.base_engine, ...objectOr(given.base_engine) } as Record<string, unknown>;
  const selector = { ...REFERENCE_DEFAULTS.selector, ...objectOr(given.selector) } as Record<string, unknown>;
  for (const [where, o] of [
    ["base_engine", engine],
    ["selector", selector],
  ] as const) {
    if (o.model_name === undefined || o.model_name === null) {
      warnings.push(
        `${file}: config.${where}.model_name is not set; the reference's default (${RETIRED_DEFAULT_MODEL}) is retired, so Loom's current default for the provider is used`,
      );
    }
  }
  const engineType = typeof engine.engine_type === "string" ? engine.engine_type : undefined;
  if (engineType !== undefined) engine.engine_type = ENGINE_NAMES[engineType] ?? engineType;
  const pick = (o: Record<string, unknown>, key: string) =>
    o[key] === undefined || o[key] === null ? {} : { [key]: o[key] };
  const rename = (o: Record<string, unknown>, from: string, to: string) =>
    o[from] === undefined || o[from] === null ? {} : { [to]: o[from] };
  const input = {
    generator: {
      ...rename(engine, "engine_type", "provider"),
      ...rename(engine, "model_name", "model"),
      ...rename(engine, "segment_tokens", "segmentTokens"),
      ...rename(engine, "branching_factor", "branchingFactor"),
      ...pick(engine, "temperature"),
      ...rename(engine, "top_p", "topP"),
      ...rename(engine, "max_logprobs", "logprobs"),
    },
    selector: {
      ...pick(selector, "mode"),
      ...rename(selector, "model_name", "model"),
      ...rename(selector, "show_logprobs", "showLogprobs"),
    },
    ...rename(c, "max_tokens_total", "maxTokensTotal"),
    ...rename(c, "output_dir", "outputDir"),
  };
  return parseOrThrow(SessionConfigSchema, input, { file, prefix: "config" }, "the session config");
}

/**
 * The reference keeps the brief as one string (its CLI stores the brief's notes). A string that is a whole
 * TOML brief is read into fields; any other text, even with lines like `register = liturgical`, is notes.
 */
function convertBrief(brief: string | null | undefined, file: string, warnings: string[]): Brief {
  if (!brief) return BriefSchema.parse({});
  if (!looksLikeTomlBrief(brief)) return parseBriefText(brief);
  try {
    return parseBriefToml(brief, `${file} (field brief)`);
  } catch (error) {
    if (!IoError.isInstance(error)) throw error;
    warnings.push(
      `${file}: the brief has "key = value" lines but is not a TOML brief (${error.message}); read as notes`,
    );
    return parseBriefText(brief);
  }
}

/** Token ids and logprobs as Loom tokens. The reference keeps no token texts, so each token's text is empty. */
function tokensOf(p: PythonNode): Token[] | null {
  const ids = p.token_ids ?? [];
  const lps = p.token_logprobs ?? [];
  const count = Math.max(ids.length, lps.length);
  if (count === 0) return null;
  return Array.from({ length: count }, (_, i) => ({
    text: "",
    ...(ids[i] !== undefined ? { id: ids[i] } : {}),
    ...(lps[i] !== undefined ? { logprob: lps[i] } : {}),
  }));
}

function convertNode(p: PythonNode, rootId: string, fallbackTime: string): LoomNode {
  const tokens = tokensOf(p);
  // Readers of Loom tokens must know their texts are unknown here (they do not join to the node's text).
  const importMeta: Record<string, unknown> = {
    from: "python-reference",
    ...(tokens ? { tokenTexts: "unknown" } : {}),
  };
  return {
    id: p.id,
    parentId: p.parent_id,
    text: p.text,
    tokens: tokens ? TokenList.from(tokens) : null,
    stepLogprob: p.step_logprob ?? null,
    decisionId: p.decision_id ?? null,
    chosenBy: null, // set below from the decision, where the warnings are collected
    selectionReason: p.selection_reason ?? null,
    scores: p.scores ?? {},
    createdAt: iso(p.created_at, fallbackTime),
    origin: p.id === rootId ? "seed" : "generated",
    replacesId: null,
    meta: { ...(p.meta ?? {}), import: importMeta },
  };
}

function convertDecision(p: PythonDecision, fallbackTime: string, warnings: string[], where: string): DecisionEvent {
  const action = p.action === "" || p.action === undefined ? null : p.action;
  const at = iso(p.timestamp, fallbackTime);
  let resolved: DecisionEvent["action"] = action;
  // The reference resolves an answered clarification by choosing in place: "clarify" with a chosen node
  // and a human response means the same as our choose-with-humanResponse.
  if (action === "clarify" && p.human_response && p.chosen_node_id) resolved = "choose";
  return {
    id: p.id,
    parentNodeId: p.parent_node_id,
    candidateNodeIds: [...p.candidate_node_ids],
    action: resolved,
    chosenNodeId: resolved === "choose" ? (p.chosen_node_id ?? null) : null,
    chosenBy: chosenBy(p.chosen_by, where, warnings),
    reason:
      resolved === null || p.reason === undefined || (p.reason === "" && resolved === "clarify") ? null : p.reason,
    ranking: null,
    candidateScores: p.candidate_scores ?? {},
    clarificationQuestion: p.clarification_question ?? null,
    candidatesInTension: p.candidates_in_tension ?? null,
    whatHingesOnIt: p.what_hinges_on_it ?? null,
    humanResponse: p.human_response ?? null,
    maxLogprob: p.max_logprob ?? null,
    chosenLogprob: p.chosen_logprob ?? null,
    logprobGap: p.logprob_gap ?? null,
    timestamp: at,
    resolvedAt: resolved === null ? null : at,
    // The reference has one brief per session: every decision it resolved was made under it.
    briefVersion: resolved === null ? null : 1,
    selectorView: null,
  };
}

/** Convert a parsed Python loom.json. Problems name `file` and the snake_case field. */
export function convertPythonLoom(py: PythonLoom, file: string): PythonConversion {
  const warnings: string[] = [];
  const createdAt = iso(py.created_at, new Date(0).toISOString());
  const nodes: Record<string, LoomNode> = {};
  for (const [key, p] of Object.entries(py.nodes)) nodes[key] = convertNode(p, py.root_id, createdAt);
  const decisions: Record<string, DecisionEvent> = {};
  for (const [key, p] of Object.entries(py.decision_events)) {
    const d = convertDecision(p, createdAt, warnings, `${file} (field decision_events.${key}.chosen_by)`);
    decisions[key] = d;
    if (d.action === "choose" && d.chosenNodeId) {
      const chosen = nodes[d.chosenNodeId];
      if (chosen) chosen.chosenBy = d.chosenBy;
    }
  }
  // Nodes chosen outside a decision record (the root) keep their own chosen_by.
  for (const [key, p] of Object.entries(py.nodes)) {
    const node = nodes[key]!;
    if (node.chosenBy === null && p.chosen_by)
      node.chosenBy = chosenBy(p.chosen_by, `${file} (field nodes.${key}.chosen_by)`, warnings);
  }

  // The reference caches each node's full text; check the cache against the segments (it is not carried over).
  let mismatched = 0;
  const fullText = new Map<string, string>();
  const textOf = (id: string): string | null => {
    const cached = fullText.get(id);
    if (cached !== undefined) return cached;
    const chain: string[] = [];
    let at: string | null = id;
    while (at !== null && !fullText.has(at)) {
      if (chain.length > Object.keys(nodes).length) return null; // a cycle: reported by the invariant check
      const n: LoomNode | undefined = nodes[at];
      if (!n) return null;
      chain.push(at);
      at = n.parentId;
    }
    let text = at === null ? "" : fullText.get(at)!;
    for (let i = chain.length - 1; i >= 0; i--) {
      text += nodes[chain[i]!]!.text;
      fullText.set(chain[i]!, text);
    }
    return text;
  };
  for (const [key, p] of Object.entries(py.nodes)) {
    if (p.full_text !== undefined && textOf(key) !== null && textOf(key) !== p.full_text) mismatched++;
  }
  if (mismatched > 0) {
    warnings.push(
      `${file}: ${mismatched} node(s) had a full_text that differs from their segments joined; the segments were kept`,
    );
  }

  const loom: Loom = {
    version: LOOM_FORMAT_VERSION,
    sessionId: py.session_id,
    rootId: py.root_id,
    nodes,
    decisions,
    currentPath: [...py.current_path],
    heldPaths: (py.held_paths ?? []).map((p) => [...p]),
    brief: convertBrief(py.brief, file, warnings),
    briefVersion: 1,
    briefHistory: [],
    config: convertConfig(py.config, file, warnings),
    createdAt,
    // The reference has no tree marks, summary or undo record.
    ...noTreeWork(),
  };
  if (loom.currentPath.length === 0) {
    throw new IoError("bad_import", "the current path is empty", {
      file,
      field: "current_path",
      expected: "the root id first",
    });
  }
  return { loom, warnings };
}
