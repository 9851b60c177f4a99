// Shared helpers for benchmarks: timing, medians, and writing bench/results/<name>.json with a printed table.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface BenchResult {
  metric: string;
  value: number;
  unit: string;
  params: Record<string, unknown>;
  baseline?: number;
  ratio?: number;
  /** The bar this metric must clear, when it has one, and whether it did. */
  target?: string;
  pass?: boolean;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

const round = (x: number) => (Math.abs(x) >= 100 ? Math.round(x * 10) / 10 : Math.round(x * 1000) / 1000);

/**
 * Print a table of results and write them to bench/results/<name>.json. With `merge`, the file's other metrics are
 * kept (two benches sharing one results file: each replaces only its own metrics).
 */
export function writeResults(name: string, results: BenchResult[], options: { merge?: boolean } = {}): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const out = join(here, "results", `${name}.json`);
  mkdirSync(dirname(out), { recursive: true });
  const mine = new Set(results.map((r) => r.metric));
  const kept: BenchResult[] =
    options.merge && existsSync(out)
      ? (JSON.parse(readFileSync(out, "utf8")) as BenchResult[]).filter((r) => !mine.has(r.metric))
      : [];
  writeFileSync(out, JSON.stringify([...kept, ...results], null, 2) + "\n");
  console.table(
    results.map((r) => ({
      metric: r.metric,
      params: JSON.stringify(r.params),
      value: `${round(r.value)} ${r.unit}`,
      baseline: r.baseline === undefined ? "" : `${round(r.baseline)} ${r.unit}`,
      ratio: r.ratio === undefined ? "" : round(r.ratio),
      target: r.target ?? "",
      pass: r.pass === undefined ? "" : r.pass ? "yes" : "NO",
    })),
  );
  console.log(`wrote ${out}`);
  return out;
}
