// Test helper: reads recorded response bodies (JSON) and streams (SSE, split into the chunks a server would write).
import { readFileSync } from "node:fs";

const here = (name: string) => new URL(`./${name}`, import.meta.url);

export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(here(name), "utf8"));
}

/** An SSE recording split into its events, each ending in its blank line. */
export function fixtureChunks(name: string): string[] {
  return readFileSync(here(name), "utf8")
    .split(/\n\n/)
    .filter((c) => c.trim() !== "")
    .map((c) => `${c}\n\n`);
}

/** Retry options for tests: no real waiting, delays recorded. */
export function instantRetry(delays: number[] = [], maxRetries = 2) {
  return { maxRetries, random: () => 0.5, sleep: async (ms: number) => void delays.push(ms) };
}
