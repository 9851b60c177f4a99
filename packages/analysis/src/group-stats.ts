// The numbers reported for one group of decisions (and the sessions they came from): acceptance, gaps, clarifications, diversity, length, usage.
import { gapHistogram, summarize, type HistogramBin, type Summary } from "./distribution.js";
import { positionBucket, positionLabel } from "./group-keys.js";
import type { DecisionFacts, ModelUsageTotals, SessionFacts, StopKind } from "./session-facts.js";

export interface ClarificationRow {
  sessionId: string;
  decisionId: string;
  step: number;
  question: string;
  whatHingesOnIt: string | null;
  humanResponse: string | null;
  /** What the decision became once answered (choose or stop), or "clarify" while it waits. */
  outcome: string | null;
}

export interface PositionStats {
  bucket: number;
  label: string;
  decisions: number;
  withGap: number;
  acceptance: number | null;
  meanGap: number | null;
}

export interface UsageRow extends ModelUsageTotals {
  /** Sessions whose usage includes this model. */
  sessions: number;
}

export interface GroupStats {
  /** The group's value for each grouped-by key ({} for everything). */
  key: Record<string, string>;
  label: string;
  sessions: number;
  /** Resolved decisions (choose, clarify or stop); open ones are counted apart. */
  decisions: number;
  openDecisions: number;
  choices: number;
  stops: number;
  /** Choices with a logprob gap (the generator gave logprobs). */
  withGap: number;
  /** Share of those whose gap is 0: the base model's favourite was chosen. */
  acceptance: number | null;
  gap: Summary | null;
  gapHistogram: HistogramBin[];
  divergence: { threshold: number; count: number; rate: number | null };
  clarification: { count: number; answered: number; rate: number | null; rows: ClarificationRow[] };
  diversity: {
    steps: number;
    meanCandidates: number | null;
    meanDistinctTexts: number | null;
    /** Distinct texts over candidates, summed over steps. */
    distinctShare: number | null;
    meanPairwiseOverlap: number | null;
  };
  alongPiece: PositionStats[];
  /** Session-level numbers: null when a decision-level key (position, chooser) splits sessions across groups. */
  stopKinds: Partial<Record<StopKind, number>> | null;
  /** The reasons selectors gave for stopping, with how many sessions each ended. */
  stopReasons: Record<string, number> | null;
  length: { steps: Summary; tokens: Summary; chars: Summary } | null;
  generatedTokens: number | null;
  usage: UsageRow[] | null;
  costUsd: number | null;
}

export interface GroupMembers {
  key: Record<string, string>;
  label: string;
  sessions: Set<SessionFacts>;
  /** The group's decisions, a part per member session (see grouped in aggregate.ts). */
  parts: { session: SessionFacts; decisions: readonly DecisionFacts[] }[];
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const mean = (values: number[]) => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : null);

function usageRows(sessions: Iterable<SessionFacts>): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const s of sessions)
    for (const u of s.usage ?? []) {
      const k = `${u.kind}\u0000${u.provider}\u0000${u.model}`;
      const row = rows.get(k) ?? { ...u, inputTokens: 0, outputTokens: 0, requests: 0, costUsd: null, sessions: 0 };
      row.inputTokens += u.inputTokens;
      row.outputTokens += u.outputTokens;
      row.requests += u.requests;
      if (u.costUsd !== null) row.costUsd = (row.costUsd ?? 0) + u.costUsd;
      row.sessions++;
      rows.set(k, row);
    }
  return [...rows.values()];
}

function alongPiece(parts: GroupMembers["parts"], buckets: number): PositionStats[] {
  const out: PositionStats[] = Array.from({ length: buckets }, (_, bucket) => ({
    bucket,
    label: positionLabel(bucket, buckets),
    decisions: 0,
    withGap: 0,
    acceptance: null,
    meanGap: null,
  }));
  const sums = new Array<number>(buckets).fill(0);
  const zeros = new Array<number>(buckets).fill(0);
  for (const part of parts)
    for (const d of part.decisions) {
      if (d.action === null) continue;
      const b = positionBucket(d.position, buckets);
      out[b]!.decisions++;
      if (d.action === "choose" && d.logprobGap !== null) {
        out[b]!.withGap++;
        sums[b]! += d.logprobGap;
        if (d.logprobGap >= 0) zeros[b]!++;
      }
    }
  for (const p of out) {
    p.acceptance = ratio(zeros[p.bucket]!, p.withGap);
    p.meanGap = p.withGap ? sums[p.bucket]! / p.withGap : null;
  }
  return out;
}

export function groupStats(
  g: GroupMembers,
  options: { threshold: number; positionBuckets: number; sessionLevel: boolean },
): GroupStats {
  // One pass over the decisions, in the group's order (the sums and lists below are taken in it).
  let all = 0;
  let resolved = 0;
  let choices = 0;
  let stops = 0;
  let accepted = 0;
  let divergent = 0;
  const gaps: number[] = [];
  let answered = 0;
  const clarificationRows: ClarificationRow[] = [];
  let offered = 0;
  let candidates = 0;
  let distinct = 0;
  const overlaps: number[] = [];
  for (const { session, decisions } of g.parts)
    for (const d of decisions) {
      all++;
      if (d.action !== null) {
        resolved++;
        if (d.action === "stop") stops++;
        else if (d.action === "choose") {
          choices++;
          const gap = d.logprobGap;
          if (gap !== null) {
            gaps.push(gap);
            if (gap >= 0) accepted++;
            if (gap < options.threshold) divergent++;
          }
        }
      }
      const c = d.clarification;
      if (c !== null) {
        if (c.humanResponse !== null) answered++;
        clarificationRows.push({
          sessionId: session.sessionId,
          decisionId: d.id,
          step: d.step,
          question: c.question,
          whatHingesOnIt: c.whatHingesOnIt,
          humanResponse: c.humanResponse,
          outcome: d.action,
        });
      }
      if (d.candidates > 0) {
        offered++;
        candidates += d.candidates;
        distinct += d.distinctTexts;
        if (d.meanPairwiseOverlap !== null) overlaps.push(d.meanPairwiseOverlap);
      }
    }
  const sessions = [...g.sessions];
  const level = options.sessionLevel;
  const stopKinds: Partial<Record<StopKind, number>> = {};
  const stopReasons: Record<string, number> = {};
  for (const s of sessions) {
    stopKinds[s.stop.kind] = (stopKinds[s.stop.kind] ?? 0) + 1;
    if (s.stop.kind === "selector" && s.stop.reason !== null)
      stopReasons[s.stop.reason] = (stopReasons[s.stop.reason] ?? 0) + 1;
  }
  const usage = level ? usageRows(sessions) : null;
  const priced = usage?.filter((u) => u.costUsd !== null) ?? [];
  return {
    key: g.key,
    label: g.label,
    sessions: sessions.length,
    decisions: resolved,
    openDecisions: all - resolved,
    choices,
    stops,
    withGap: gaps.length,
    acceptance: ratio(accepted, gaps.length),
    gap: summarize(gaps),
    gapHistogram: gapHistogram(gaps),
    divergence: { threshold: options.threshold, count: divergent, rate: ratio(divergent, gaps.length) },
    clarification: {
      count: clarificationRows.length,
      answered,
      rate: ratio(clarificationRows.length, resolved),
      rows: clarificationRows,
    },
    diversity: {
      steps: offered,
      meanCandidates: ratio(candidates, offered),
      meanDistinctTexts: ratio(distinct, offered),
      distinctShare: ratio(distinct, candidates),
      meanPairwiseOverlap: mean(overlaps),
    },
    alongPiece: alongPiece(g.parts, options.positionBuckets),
    stopKinds: level ? stopKinds : null,
    stopReasons: level ? stopReasons : null,
    length:
      level && sessions.length
        ? {
            steps: summarize(sessions.map((s) => s.piece.steps))!,
            tokens: summarize(sessions.map((s) => s.piece.tokens))!,
            chars: summarize(sessions.map((s) => s.piece.chars))!,
          }
        : null,
    generatedTokens: level ? sessions.reduce((s, x) => s + x.generatedTokens, 0) : null,
    usage,
    costUsd: priced.length ? priced.reduce((s, u) => s + u.costUsd!, 0) : null,
  };
}
