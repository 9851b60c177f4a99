// A Loom as a session of the seed's Python reference implementation: its loom.json (snake_case dataclass fields) and manifest.ndjson.
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { nodeText, type Brief, type DecisionEvent, type Loom, type LoomNode } from "@loom/core";
import { briefToToml } from "./brief-edit.js";
import { IoError } from "./io-error.js";
import { MANIFEST_FILE, SNAPSHOT_FILE } from "./formats.js";
import { writeFileStreamed } from "./stream-file.js";

/** ISO time → Unix seconds, keeping the microseconds an imported time carries (see `isoMicros`). */
export function unixSecondsOf(iso: string): number {
  const m = /\.(\d+)Z$/.exec(iso);
  const whole = Date.parse(iso.replace(/\.\d+Z$/, "Z"));
  return m ? whole / 1000 + Number(`0.${m[1]}`) : whole / 1000;
}

/** Loom provider names → the reference's engine_type names (the inverse of the import's mapping). */
const ENGINE_TYPES: Record<string, string> = {
  "anthropic-cli-sim": "claude_cli_sim",
  "anthropic-prefill": "claude_prefill",
  scripted: "fake",
};

/** The brief as the one string the reference keeps: the notes alone when that is all there is, else the whole brief as TOML. */
function briefString(brief: Brief): string {
  const onlyNotes = Object.entries(brief).every(
    ([k, v]) => k === "notes" || k === "title" || (Array.isArray(v) ? v.length === 0 : v === ""),
  );
  if (onlyNotes && (brief.title === "" || brief.notes.includes(brief.title))) return brief.notes;
  return briefToToml(brief);
}

/** Exactly the reference's Node dataclass fields: its loader passes them as keyword arguments and refuses any other. */
function pythonNode(loom: Loom, n: LoomNode, chosen: Set<string>): Record<string, unknown> {
  const tokens = n.tokens ? n.tokens.toArray() : [];
  const ids = tokens.every((t) => t.id !== undefined) ? tokens.map((t) => t.id!) : [];
  const lps = tokens.length > 0 && tokens.every((t) => t.logprob !== undefined) ? tokens.map((t) => t.logprob!) : null;
  const { import: _imported, ...meta } = n.meta;
  return {
    id: n.id,
    parent_id: n.parentId,
    text: n.text,
    full_text: nodeText(loom, n.id),
    token_ids: ids,
    token_logprobs: lps,
    step_logprob: n.stepLogprob,
    decision_id: n.decisionId,
    was_chosen: n.parentId === null || chosen.has(n.id),
    chosen_by: n.chosenBy,
    selection_reason: n.selectionReason,
    scores: n.scores,
    created_at: unixSecondsOf(n.createdAt),
    meta,
  };
}

/** Exactly the reference's DecisionEvent dataclass fields. */
function pythonDecision(d: DecisionEvent): Record<string, unknown> {
  return {
    id: d.id,
    parent_node_id: d.parentNodeId,
    candidate_node_ids: d.candidateNodeIds,
    action: d.action ?? "",
    chosen_node_id: d.chosenNodeId,
    chosen_by: d.chosenBy,
    reason: d.reason ?? "",
    clarification_question: d.clarificationQuestion,
    candidates_in_tension: d.candidatesInTension,
    what_hinges_on_it: d.whatHingesOnIt,
    human_response: d.humanResponse,
    candidate_scores: d.candidateScores,
    max_logprob: d.maxLogprob,
    chosen_logprob: d.chosenLogprob,
    logprob_gap: d.logprobGap,
    timestamp: unixSecondsOf(d.timestamp),
  };
}

/** The session's settings in the reference's SessionConfig shape (asdict). */
function pythonConfig(loom: Loom): Record<string, unknown> {
  const { generator: g, selector: s } = loom.config;
  return {
    id: loom.sessionId,
    base_engine: {
      engine_type: ENGINE_TYPES[g.provider] ?? g.provider,
      model_name: g.model,
      segment_tokens: g.segmentTokens,
      branching_factor: g.branchingFactor,
      temperature: g.temperature,
      top_p: g.topP,
      max_logprobs: g.logprobs,
    },
    selector: { model_name: s.model ?? "", mode: s.mode, show_logprobs: s.showLogprobs },
    max_tokens_total: loom.config.maxTokensTotal,
    output_dir: loom.config.outputDir ?? "loom_sessions",
    manifest_path: null,
  };
}

/** A manifest line as the reference's append_decision_manifest writes it. */
function manifestRecord(loom: Loom, d: DecisionEvent): Record<string, unknown> {
  const p = pythonDecision(d);
  return {
    session_id: loom.sessionId,
    decision_id: d.id,
    parent_node_id: p.parent_node_id,
    candidate_node_ids: p.candidate_node_ids,
    action: p.action,
    chosen_node_id: p.chosen_node_id,
    chosen_by: p.chosen_by,
    reason: p.reason,
    max_logprob: p.max_logprob,
    chosen_logprob: p.chosen_logprob,
    logprob_gap: p.logprob_gap,
    timestamp: p.timestamp,
  };
}

function* loomJsonPieces(loom: Loom): Generator<string> {
  const chosen = new Set<string>();
  for (const d of Object.values(loom.decisions))
    if (d.action === "choose" && d.chosenNodeId) chosen.add(d.chosenNodeId);
  const head = {
    session_id: loom.sessionId,
    root_id: loom.rootId,
    current_path: loom.currentPath,
    held_paths: loom.heldPaths,
    brief: briefString(loom.brief),
    config: pythonConfig(loom),
    created_at: unixSecondsOf(loom.createdAt),
  };
  yield `${JSON.stringify(head).slice(0, -1)},\n"nodes": {`;
  let first = true;
  for (const n of Object.values(loom.nodes)) {
    yield `${first ? "" : ","}\n${JSON.stringify(n.id)}: ${JSON.stringify(pythonNode(loom, n, chosen))}`;
    first = false;
  }
  yield '\n},\n"decision_events": {';
  first = true;
  for (const d of Object.values(loom.decisions)) {
    yield `${first ? "" : ","}\n${JSON.stringify(d.id)}: ${JSON.stringify(pythonDecision(d))}`;
    first = false;
  }
  yield "\n}}\n";
}

/**
 * Write `loom` as a Python reference session directory (`loom.json` and `manifest.ndjson`, one line per
 * decision that reached choose or stop, in the order they did). `dir` must not exist or be empty.
 */
export async function writePythonSession(loom: Loom, dir: string): Promise<void> {
  const existing = await readdir(dir).catch(() => null);
  if (existing !== null && existing.length > 0) {
    throw new IoError("session_exists", "the directory is not empty", {
      file: dir,
      expected: "a new or empty directory for the Python session",
    });
  }
  await mkdir(dir, { recursive: true });
  const decided = Object.values(loom.decisions)
    .filter((d) => d.action === "choose" || d.action === "stop")
    .sort((a, b) => unixSecondsOf(a.resolvedAt ?? a.timestamp) - unixSecondsOf(b.resolvedAt ?? b.timestamp));
  await writeFileStreamed(join(dir, MANIFEST_FILE), async (sink) => {
    for (const d of decided) await sink(`${JSON.stringify(manifestRecord(loom, d))}\n`);
  });
  await writeFileStreamed(join(dir, SNAPSHOT_FILE), async (sink) => {
    for (const piece of loomJsonPieces(loom)) await sink(piece);
  });
}
