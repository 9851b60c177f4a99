// The report as flat rows (one per group, then "all"): the columns of the terminal table and of the CSV.
import type { AnalysisReport } from "./aggregate.js";
import type { GroupStats } from "./group-stats.js";
import { csvText, type Cell } from "./csv-cell.js";

export type { Cell };

export interface ReportRows {
  columns: string[];
  rows: Cell[][];
}

const sumUsage = (g: GroupStats, f: "inputTokens" | "outputTokens") =>
  g.usage === null ? null : g.usage.reduce((s, u) => s + u[f], 0);

/** The per-group columns after the group keys, in order. */
const COLUMNS: [string, (g: GroupStats) => Cell][] = [
  ["sessions", (g) => g.sessions],
  ["decisions", (g) => g.decisions],
  ["choices", (g) => g.choices],
  ["with_gap", (g) => g.withGap],
  ["acceptance", (g) => g.acceptance],
  ["gap_mean", (g) => g.gap?.mean ?? null],
  ["gap_p10", (g) => g.gap?.p10 ?? null],
  ["gap_p25", (g) => g.gap?.p25 ?? null],
  ["gap_p50", (g) => g.gap?.p50 ?? null],
  ["gap_p75", (g) => g.gap?.p75 ?? null],
  ["gap_p90", (g) => g.gap?.p90 ?? null],
  ["gap_min", (g) => g.gap?.min ?? null],
  ["divergences", (g) => g.divergence.count],
  ["divergence_rate", (g) => g.divergence.rate],
  ["clarifications", (g) => g.clarification.count],
  ["clarification_rate", (g) => g.clarification.rate],
  ["stops", (g) => g.stops],
  ["mean_candidates", (g) => g.diversity.meanCandidates],
  ["mean_distinct_texts", (g) => g.diversity.meanDistinctTexts],
  ["mean_pairwise_overlap", (g) => g.diversity.meanPairwiseOverlap],
  ["piece_steps_mean", (g) => g.length?.steps.mean ?? null],
  ["piece_tokens_mean", (g) => g.length?.tokens.mean ?? null],
  ["piece_chars_mean", (g) => g.length?.chars.mean ?? null],
  ["generated_tokens", (g) => g.generatedTokens],
  ["model_input_tokens", (g) => sumUsage(g, "inputTokens")],
  ["model_output_tokens", (g) => sumUsage(g, "outputTokens")],
  ["cost_usd", (g) => g.costUsd],
  ["stopped_by_selector", (g) => (g.stopKinds === null ? null : (g.stopKinds.selector ?? 0))],
  ["stopped_at_max_tokens", (g) => (g.stopKinds === null ? null : (g.stopKinds["max-tokens"] ?? 0))],
];

/** Rows of the groups (the sessions when nothing is grouped), then the overall row. */
export function reportRows(report: AnalysisReport): ReportRows {
  const keys = report.groupBy.length ? report.groupBy : ["session"];
  const groups = report.groupBy.length ? report.groups : report.perSession;
  const row = (g: GroupStats, all: boolean): Cell[] => [
    ...keys.map((k) => (all ? "(all)" : (g.key[k] ?? ""))),
    ...COLUMNS.map(([, f]) => f(g)),
  ];
  return {
    columns: [...keys, ...COLUMNS.map(([name]) => name)],
    rows: [...groups.map((g) => row(g, false)), row(report.overall, true)],
  };
}

/** The rows as CSV (RFC 4180: quoted where needed, CRLF line ends), a header line first; empty cells for n/a. */
export function reportCsv(report: AnalysisReport): string {
  const { columns, rows } = reportRows(report);
  return csvText([columns, ...rows]);
}
