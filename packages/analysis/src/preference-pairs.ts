// Preference pairs from recorded decisions, in the shape DPO trainers read: prompt (brief + text so far), chosen, rejected, and where each came from.
import { stepCounter, type Brief, type ChosenBy, type DecisionEvent } from "@loom/core";
import { AnalysisError } from "./analysis-error.js";
import { briefPrompt } from "./brief-prompt.js";
import { readCompactSession, type CompactSession, type NodeLite } from "./compact-session.js";
import { judgeVerdictsOf, type JudgeVerdicts } from "./agreement-report.js";
import { findSessionDirs } from "./find-sessions.js";

export interface PairOptions {
  /** Only decisions made by these choosers (default: every chooser). */
  choosers?: readonly ChosenBy[];
  /** Only choices whose logprob gap is at least this (e.g. 0: the favourite) … */
  minGap?: number;
  /** … or at most this (e.g. −1: divergences). A bound leaves out choices without a gap. */
  maxGap?: number;
  /**
   * "one": per decision, the rejected candidate the chooser ranked next, else the base model's favourite among
   * the rejected (the hardest negative); "all" (default): every rejected candidate.
   */
  pairs?: "one" | "all";
  /** Start the prompt with the brief the decision was made under (default true). */
  brief?: boolean;
  /**
   * Only decisions a judge re-judged (`loom rejudge`): those where it chose the same candidate (`agree: true`),
   * or those where it did not (`agree: false`). A decision the judge has no verdict on is left out either way.
   */
  agreement?: { judge: string; agree: boolean };
}

export interface PreferencePair {
  prompt: string;
  chosen: string;
  rejected: string;
  metadata: {
    session: string;
    sessionDir: string;
    decision: string;
    step: number;
    chooser: ChosenBy | null;
    reason: string | null;
    chosenLogprob: number | null;
    rejectedLogprob: number | null;
    maxLogprob: number | null;
    logprobGap: number | null;
    briefVersion: number | null;
  };
}

/** The brief a decision was made under (core's briefOfDecision, over the head alone), the current one when it records none. */
function briefAt(head: CompactSession["head"], d: DecisionEvent): Brief {
  if (d.briefVersion === null || d.briefVersion === head.briefVersion) return head.brief;
  return head.briefHistory.find((v) => v.version === d.briefVersion)?.brief ?? head.brief;
}

/** Each node's full text (the texts of its root path, joined), cached for the nodes asked about. */
function fullTexts(nodes: ReadonlyMap<string, NodeLite>): (id: string) => string {
  const cache = new Map<string, string>();
  const textOf = (id: string): string => {
    const known = cache.get(id);
    if (known !== undefined) return known;
    const chain: string[] = [];
    let at: string | null = id;
    let base = "";
    while (at !== null) {
      const hit = cache.get(at);
      if (hit !== undefined) {
        base = hit;
        break;
      }
      chain.push(at);
      at = nodes.get(at)?.parentId ?? null;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      base += nodes.get(chain[i]!)?.text ?? "";
      cache.set(chain[i]!, base);
    }
    return base;
  };
  return textOf;
}

function pickOne(d: DecisionEvent, rejected: string[], nodes: ReadonlyMap<string, NodeLite>): string[] {
  const ranked = d.ranking?.find((id) => rejected.includes(id));
  if (ranked) return [ranked];
  const lp = (id: string) => nodes.get(id)?.stepLogprob ?? -Infinity;
  const best = rejected.reduce<string | null>((b, id) => (b === null || lp(id) > lp(b) ? id : b), null);
  return best === null ? [] : [best];
}

function checked(options: PairOptions): void {
  if (options.agreement && !options.agreement.judge.trim())
    throw new AnalysisError("bad_option", "the agreement filter needs a judge's name");
  for (const [name, v] of [
    ["minGap", options.minGap],
    ["maxGap", options.maxGap],
  ] as const)
    if (v !== undefined && !Number.isFinite(v))
      throw new AnalysisError("bad_option", `${name} must be a number (got ${v})`);
}

/** The pairs of one session read, in decision order (by step), identical texts skipped. */
export function* pairsOfSession(
  dir: string,
  session: CompactSession,
  options: PairOptions = {},
  judged: JudgeVerdicts = new Map(),
): Generator<PreferencePair> {
  checked(options);
  const { head, nodes } = session;
  const textOf = fullTexts(nodes);
  const stepOf = stepCounter({ nodes });
  const choices = session.decisions
    .filter((d) => d.action === "choose" && d.chosenNodeId !== null && nodes.has(d.chosenNodeId))
    .map((d) => ({ d, step: stepOf(d.parentNodeId) }))
    .sort((a, b) => a.step - b.step || (a.d.timestamp < b.d.timestamp ? -1 : 1));
  for (const { d, step } of choices) {
    if (options.choosers && !(d.chosenBy !== null && options.choosers.includes(d.chosenBy))) continue;
    if (options.minGap !== undefined && (d.logprobGap === null || d.logprobGap < options.minGap)) continue;
    if (options.maxGap !== undefined && (d.logprobGap === null || d.logprobGap > options.maxGap)) continue;
    if (options.agreement) {
      const v = judged.get(d.id)?.get(options.agreement.judge);
      if (!v) continue;
      if ((v.action === "choose" && v.choice === d.chosenNodeId) !== options.agreement.agree) continue;
    }
    const chosen = nodes.get(d.chosenNodeId!)!;
    const rejected = d.candidateNodeIds.filter(
      (id) => id !== d.chosenNodeId && nodes.has(id) && nodes.get(id)!.text !== chosen.text,
    );
    const picked = options.pairs === "one" ? pickOne(d, rejected, nodes) : rejected;
    if (picked.length === 0) continue;
    const prompt = (options.brief === false ? "" : briefPrompt(briefAt(head, d))) + textOf(d.parentNodeId);
    const seen = new Set<string>();
    for (const id of picked) {
      const r = nodes.get(id)!;
      if (seen.has(r.text)) continue; // two rejected candidates with one text make one pair
      seen.add(r.text);
      yield {
        prompt,
        chosen: chosen.text,
        rejected: r.text,
        metadata: {
          session: head.sessionId,
          sessionDir: dir,
          decision: d.id,
          step,
          chooser: d.chosenBy,
          reason: d.reason,
          chosenLogprob: d.chosenLogprob,
          rejectedLogprob: r.stepLogprob,
          maxLogprob: d.maxLogprob,
          logprobGap: d.logprobGap,
          briefVersion: d.briefVersion,
        },
      };
    }
  }
}

export interface PairsResult {
  pairs: number;
  /** Pairs left out because the same (prompt, chosen, rejected) was already written (a copied session, a reroll). */
  duplicates: number;
  sessions: number;
}

/**
 * Every preference pair of the named sessions (directories, trees of them, globs), handed to `write` one at
 * a time in session order; a pair whose prompt, chosen and rejected texts all repeat an earlier one is left
 * out. A session that cannot be read throws (IoError naming its file) before anything of it is written.
 */
export async function exportPairs(
  inputs: readonly string[],
  write: (pair: PreferencePair) => void | Promise<void>,
  options: PairOptions & { cwd?: string } = {},
): Promise<PairsResult> {
  checked(options);
  const dirs = await findSessionDirs(inputs, options.cwd);
  const seen = new Set<string>();
  let pairs = 0;
  let duplicates = 0;
  for (const dir of dirs) {
    const session = await readCompactSession(dir);
    const judged = options.agreement
      ? await judgeVerdictsOf({ dir, sessionId: session.head.sessionId })
      : new Map<string, never>();
    for (const pair of pairsOfSession(dir, session, options, judged)) {
      const key = JSON.stringify([pair.prompt, pair.chosen, pair.rejected]);
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      pairs++;
      await write(pair);
    }
  }
  return { pairs, duplicates, sessions: dirs.length };
}
