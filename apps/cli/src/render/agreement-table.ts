// Renders an agreement report for the terminal: per group, a matrix of exact-choice agreement and one of Kendall's tau between raters.
import type { AgreementGroup, AgreementReport, PairAgreement } from "@loom/analysis";
import type { Colors } from "../cli/colors.js";

/** Two decimals, never "-0.00" (a tau a hair below zero reads as zero). */
const fixed2 = (x: number) => (Math.abs(x) < 0.005 ? "0.00" : x.toFixed(2));
const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - s.length));

function matrix(g: AgreementGroup, title: string, cell: (p: PairAgreement) => string): string[] {
  const raters = g.raters;
  const pairOf = (a: string, b: string) => g.pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
  const rows = raters.map((r, i) => [
    `[${i + 1}] ${r}`,
    ...raters.map((c) => {
      if (c === r) return "·";
      const p = pairOf(r, c);
      return p && p.decisions > 0 ? cell(p) : "–";
    }),
  ]);
  const header = [title, ...raters.map((_, i) => `[${i + 1}]`)];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `  ${row.map((c, i) => pad(c, widths[i]!)).join("  ")}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

function group(g: AgreementGroup, c: Colors): string[] {
  const head = c.bold(`${g.label}: ${g.decisions} decision${g.decisions === 1 ? "" : "s"} with two verdicts or more`);
  if (g.raters.length < 2) return [head, "  (one rater only: nothing to compare)"];
  return [
    head,
    ...matrix(g, "same choice (decisions)", (p) => `${((p.agreement ?? 0) * 100).toFixed(0)}% (${p.decisions})`),
    ...matrix(g, "Kendall's tau (ranked)", (p) =>
      p.kendallTau === null ? "–" : `${fixed2(p.kendallTau)} (${p.ranked})`,
    ),
  ];
}

export function renderAgreement(report: AgreementReport, c: Colors): string {
  const out: string[] = [];
  for (const g of report.groups) out.push(...group(g, c), "");
  out.push(...group({ ...report.overall, label: report.groups.length ? "all" : report.overall.label }, c));
  if (report.raters.every((r) => r.startsWith("recorded ")))
    out.push("", "no re-judgements found: run loom rejudge on these sessions first");
  return out.join("\n");
}
