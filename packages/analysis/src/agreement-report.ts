// `loom analyze --agreement`: the recorded choosers (human, auto, LLM) and the judges that re-judged their decisions, compared pairwise, overall and per group.
import { grouped } from "./aggregate.js";
import { aggregateOptionsChecked, type AnalyzeOptions } from "./analyze-options.js";
import { loadSessionFacts, type LoadOptions } from "./analyze-sessions.js";
import { AgreementTally, type PairAgreement, type RaterVerdict } from "./agreement.js";
import type { SkippedSession } from "./aggregate.js";
import type { GroupKey } from "./group-keys.js";
import { readRejudgeFile } from "./rejudge-file.js";
import type { DecisionFacts, SessionFacts } from "./session-facts.js";

/** The rater name of a decision's own chooser: "recorded human", "recorded auto", "recorded selector_llm". */
export const recordedRater = (chosenBy: string) => `recorded ${chosenBy}`;

export interface AgreementGroup {
  key: Record<string, string>;
  label: string;
  /** Decisions at least two raters gave a verdict on. */
  decisions: number;
  raters: string[];
  /** Every pair of the group's raters (a before b by name). */
  pairs: PairAgreement[];
}

export interface AgreementReport {
  groupBy: GroupKey[];
  /** Every rater: the recorded choosers, then the judges, by name. */
  raters: string[];
  overall: AgreementGroup;
  groups: AgreementGroup[];
  skipped: SkippedSession[];
  warnings: string[];
}

/** Per decision id, each judge's latest verdict (failed attempts are not verdicts). */
export type JudgeVerdicts = Map<string, Map<string, RaterVerdict>>;

/** The session's re-judgements, by decision and judge; lines of another session (a copied state directory) are left out. */
export async function judgeVerdictsOf(session: Pick<SessionFacts, "dir" | "sessionId">): Promise<JudgeVerdicts> {
  const out: JudgeVerdicts = new Map();
  for (const l of (await readRejudgeFile(session.dir)).lines) {
    if (l.verdict === null || l.sessionId !== session.sessionId) continue;
    let m = out.get(l.decisionId);
    if (!m) out.set(l.decisionId, (m = new Map()));
    m.set(l.judge, { action: l.verdict.action, choice: l.verdict.choice, ranking: l.verdict.ranking });
  }
  return out;
}

/** The decision's own verdict: a resolved choice or stop with its chooser; null for an open or waiting decision. */
export function recordedVerdict(d: DecisionFacts): RaterVerdict | null {
  if ((d.action !== "choose" && d.action !== "stop") || d.chosenBy === null) return null;
  return { action: d.action, choice: d.chosenNodeId, ranking: d.ranking };
}

/** Agreement over sessions already read, with their judges' verdicts. */
export function agreementOf(
  sessions: readonly SessionFacts[],
  verdicts: ReadonlyMap<SessionFacts, JudgeVerdicts>,
  options: AnalyzeOptions = {},
  skipped: SkippedSession[] = [],
): AgreementReport {
  aggregateOptionsChecked(options);
  const groupBy = [...(options.groupBy ?? [])];
  const buckets = options.positionBuckets ?? 5;
  const all = new Set<string>();
  const tallyOf = (keys: readonly GroupKey[]) =>
    [...grouped(sessions, keys, buckets).values()]
      .map((g): AgreementGroup => {
        const tally = new AgreementTally();
        let decisions = 0;
        for (const part of g.parts)
          for (const d of part.decisions) {
            const raters = new Map<string, RaterVerdict>(verdicts.get(part.session)?.get(d.id) ?? []);
            const own = recordedVerdict(d);
            if (own) raters.set(recordedRater(d.chosenBy!), own);
            if (raters.size >= 2) decisions++;
            for (const r of raters.keys()) all.add(r);
            tally.add(raters);
          }
        return { key: g.key, label: g.label, decisions, raters: [...tally.raters].sort(), pairs: tally.result() };
      })
      .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const overall = tallyOf([])[0] ?? { key: {}, label: "all", decisions: 0, raters: [], pairs: [] };
  const groups = groupBy.length ? tallyOf(groupBy) : [];
  const recorded = [...all].filter((r) => r.startsWith("recorded ")).sort();
  const judges = [...all].filter((r) => !r.startsWith("recorded ")).sort();
  return {
    groupBy,
    raters: [...recorded, ...judges],
    overall,
    groups,
    skipped,
    warnings: sessions.flatMap((s) => s.warnings.map((w) => `${s.dir}: ${w}`)),
  };
}

/** Finds and reads the sessions and their re-judgements, and compares every pair of raters, overall and per group. */
export async function analyzeAgreement(
  inputs: readonly string[],
  options: AnalyzeOptions & LoadOptions = {},
): Promise<AgreementReport> {
  aggregateOptionsChecked(options);
  const loaded = await loadSessionFacts(inputs, options);
  const skipped = [...loaded.skipped];
  const sessions: SessionFacts[] = [];
  const verdicts = new Map<SessionFacts, JudgeVerdicts>();
  for (const s of loaded.sessions) {
    try {
      verdicts.set(s, await judgeVerdictsOf(s));
      sessions.push(s);
    } catch (error) {
      skipped.push({ path: s.dir, error: (error as Error).message });
    }
  }
  return agreementOf(sessions, verdicts, options, skipped);
}

/** The report as CSV rows: one per group and pair of raters, then the overall pairs under "(all)". */
export function agreementRows(report: AgreementReport): (string | number | null)[][] {
  const keys = report.groupBy;
  const header = [...keys, "rater_a", "rater_b", "decisions", "agreed", "agreement", "ranked", "kendall_tau"];
  const rowsOf = (g: AgreementGroup, all: boolean) =>
    g.pairs.map((p) => [
      ...keys.map((k) => (all ? "(all)" : (g.key[k] ?? ""))),
      p.a,
      p.b,
      p.decisions,
      p.agreed,
      p.agreement,
      p.ranked,
      p.kendallTau,
    ]);
  return [header, ...report.groups.flatMap((g) => rowsOf(g, false)), ...rowsOf(report.overall, true)];
}
