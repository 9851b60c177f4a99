// Renders an analysis report for the terminal: one row per group (or session), then clarifications, stops and usage.
import type { AnalysisReport, GroupStats } from "@loom/analysis";
import type { Colors } from "../cli/colors.js";
import { formatLogprob, snippet } from "./snippet.js";

const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(0)}%`);
const num = (x: number | null, digits = 2) => (x === null ? "—" : x.toFixed(digits));

/** The table's columns: header and cell, for one group. */
const COLUMNS: [string, (g: GroupStats) => string][] = [
  ["sessions", (g) => String(g.sessions)],
  ["decisions", (g) => String(g.decisions)],
  ["accept", (g) => pct(g.acceptance)],
  ["gap p50", (g) => formatLogprob(g.gap?.p50)],
  ["gap p10", (g) => formatLogprob(g.gap?.p10)],
  ["gap mean", (g) => formatLogprob(g.gap?.mean)],
  ["diverge", (g) => pct(g.divergence.rate)],
  ["clarify", (g) => pct(g.clarification.rate)],
  ["distinct", (g) => num(g.diversity.meanDistinctTexts, 1)],
  ["overlap", (g) => num(g.diversity.meanPairwiseOverlap)],
  ["steps", (g) => num(g.length?.steps.mean ?? null, 1)],
  ["gen tokens", (g) => (g.generatedTokens === null ? "—" : String(g.generatedTokens))],
  ["cost", (g) => (g.costUsd === null ? "—" : `$${g.costUsd.toFixed(4)}`)],
];

function table(header: string[], rows: string[][], c: Colors, width: number): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // The first column (the group) gives way when the terminal is narrow, down to 32 characters.
  const rest = widths.slice(1).reduce((s, w) => s + w + 2, 0);
  widths[0] = Math.min(widths[0]!, Math.max(32, width - rest));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? snippet(cell, widths[0]!).padEnd(widths[0]!) : cell.padStart(widths[i]!)))
      .join("  ");
  return [c.bold(line(header)), ...rows.map(line)].join("\n");
}

export function renderAnalysis(report: AnalysisReport, c: Colors, width: number): string {
  const keys = report.groupBy.length ? report.groupBy : ["session"];
  const groups = report.groupBy.length ? report.groups : report.perSession;
  const label = (g: GroupStats) => keys.map((k) => g.key[k] ?? "").join(" · ");
  const rows = [...groups, report.overall].map((g, i) => [
    i === groups.length ? "all" : label(g),
    ...COLUMNS.map(([, f]) => f(g)),
  ]);
  const out = [table([keys.join(" · "), ...COLUMNS.map(([h]) => h)], rows, c, width)];
  out.push(
    c.dim(
      `accept: choices of the base model's favourite (gap 0) · diverge: gap below ${report.threshold} · overlap: mean pairwise token Jaccard of a step's candidates`,
    ),
  );
  const all = report.overall;
  if (all.stopKinds) {
    const kinds = Object.entries(all.stopKinds).map(([k, n]) => `${k} ${n}`);
    out.push("", `${c.bold("how pieces ended")}  ${kinds.join(" · ") || "—"}`);
    for (const [reason, n] of Object.entries(all.stopReasons ?? {})) out.push(`  ${n}× ${snippet(reason, 90)}`);
  }
  if (all.clarification.rows.length) {
    out.push("", c.bold(`clarifications (${all.clarification.count}, ${all.clarification.answered} answered)`));
    for (const r of all.clarification.rows.slice(0, 10)) {
      out.push(`  ${c.dim(`${r.sessionId} step ${r.step}`)} ${snippet(r.question, 80)}`);
      if (r.whatHingesOnIt) out.push(`    hinges on: ${snippet(r.whatHingesOnIt, 80)}`);
      out.push(
        `    ${r.humanResponse === null ? "unanswered" : `answer: ${snippet(r.humanResponse, 70)} → ${r.outcome}`}`,
      );
    }
    if (all.clarification.rows.length > 10) out.push(c.dim(`  … ${all.clarification.rows.length - 10} more (--json)`));
  }
  if (all.usage?.length) {
    out.push("", c.bold("model usage"));
    for (const u of all.usage)
      out.push(
        `  ${u.kind} ${u.provider}:${u.model}  ${u.requests} requests, ${u.inputTokens} tokens in, ${u.outputTokens} out, ${u.costUsd === null ? "no price" : `$${u.costUsd.toFixed(4)}`}`,
      );
  }
  return out.join("\n");
}
