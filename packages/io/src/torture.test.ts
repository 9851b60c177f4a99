// Torture: 1,000 random single-byte flips and truncations across a session's files; each is detected (file and record named) or provably harmless, never a silent change.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, checkout, choose, createLoom, sequentialEnv, type CandidateInput } from "@loom/core";
import { seededRandom } from "@loom/core/internal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fsckSession } from "./fsck.js";
import { createSession, IoError, readSession } from "./index.js";

const TRIALS = 1000;
const FILES = ["loom.json", "journal.ndjson", "manifest.ndjson"] as const;
const tmp = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "loom-torture-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A realistic candidate: 6 tokens, each with its top-5 alternatives (the shape local and OpenAI-compatible engines return). */
function candidate(rand: () => number, i: number): CandidateInput {
  const tokens = Array.from({ length: 6 }, (_, k) => ({
    text: ` w${i}_${k}`,
    logprob: -rand() * 4,
    top: Array.from({ length: 5 }, (_, j) => ({ text: ` alt${j}`, logprob: -rand() * 6 })),
  }));
  return { text: tokens.map((t) => t.text).join(""), tokens, stepLogprob: tokens.reduce((s, t) => s + t.logprob, 0) };
}

const base = join(tmp, "base");
let truth = "";
const original = new Map<string, Buffer>();

beforeAll(async () => {
  const env = sequentialEnv();
  const rand = seededRandom(7);
  const s = await createSession(base, createLoom({ seed: "Torture:", sessionId: "s-torture" }, env), {
    compactAfterBytes: false,
  });
  for (let i = 0; i < 12; i++) {
    const tip = s.loom.currentPath.at(-1)!;
    const { decisionId, nodeIds } = s.mutate((l) =>
      addCandidates(l, tip, [candidate(rand, i), candidate(rand, i + 100), candidate(rand, i + 200)], { env }),
    );
    s.mutate((l) => choose(l, decisionId, nodeIds[i % 3]!, "selector_llm", `step ${i}`, env));
    if (i === 6) await s.compact(); // a snapshot with records, and a journal and manifest beyond it
  }
  s.mutate((l) => addCandidates(l, l.currentPath.at(-1)!, [candidate(rand, 99)], { env })); // an open decision
  s.mutate((l) => checkout(l, l.currentPath.at(-3)!));
  // Left as a crash leaves it (no compaction at close), lock removed.
  (s as unknown as { lock: { release(): void } }).lock.release();
  truth = JSON.stringify((await readSession(base)).loom);
  for (const f of FILES) original.set(f, readFileSync(join(base, f)));
});

type Outcome = "error" | "warned" | "fsck" | "harmless" | "crash-equivalent";

describe("torture", () => {
  it(`detects every one of ${TRIALS} random byte flips and truncations, or proves it harmless`, async () => {
    const rand = seededRandom(2026);
    const dir = join(tmp, "trial");
    mkdirSync(dir, { recursive: true });
    const counts: Record<Outcome, number> = { error: 0, warned: 0, fsck: 0, harmless: 0, "crash-equivalent": 0 };
    for (let t = 0; t < TRIALS; t++) {
      const name = FILES[Math.floor(rand() * FILES.length)]!;
      const bytes = Buffer.from(original.get(name)!);
      let damaged: Buffer;
      let what: string;
      if (rand() < 0.7) {
        const at = Math.floor(rand() * bytes.length);
        bytes[at] = bytes[at]! ^ (1 + Math.floor(rand() * 255));
        damaged = bytes;
        what = `byte ${at} of ${name} flipped`;
      } else {
        const length = Math.floor(rand() * bytes.length);
        damaged = bytes.subarray(0, length);
        what = `${name} cut to ${length} of ${bytes.length} bytes`;
      }
      for (const f of FILES) writeFileSync(join(dir, f), f === name ? damaged : original.get(f)!, { flag: "w" });
      const file = join(dir, name);
      let outcome: Outcome;
      try {
        const { loom, warnings } = await readSession(dir);
        if (warnings.some((w) => w.includes(file))) outcome = "warned";
        else if (JSON.stringify(loom) !== truth) {
          // An append-only log cut exactly between two lines reads as a log whose writer stopped earlier: no file
          // format can tell that from a crash before those appends. Anything else that changes the loom silently fails.
          const atLineEnd = damaged.length === 0 || damaged[damaged.length - 1] === 0x0a;
          expect(
            name === "journal.ndjson" && damaged.length < bytes.length && atLineEnd,
            `silent change: ${what}`,
          ).toBe(true);
          outcome = "crash-equivalent";
        } else {
          // The loom is exact; the manifest prefix the snapshot vouches for is not re-read on open, so fsck must catch damage there.
          const report = await fsckSession(dir);
          const named = [...report.problems.map((p) => p.message), ...report.repairable].some((m) => m.includes(file));
          if (named) outcome = "fsck";
          else {
            // Provably harmless: only the newline ending a sealed last line can go without a trace (the line's checksum still holds).
            const lostNewline =
              damaged.length === bytes.length - 1 ||
              (damaged.length === bytes.length && damaged[damaged.length - 1] !== 0x0a);
            expect(lostNewline, `undetected: ${what}`).toBe(true);
            outcome = "harmless";
          }
        }
      } catch (error) {
        expect(IoError.isInstance(error), `${what}: ${String(error)}`).toBe(true);
        const e = error as IoError;
        expect(e.file, what).toBe(file);
        expect(e.line ?? e.field, `${what}: names the record`).toBeDefined();
        outcome = "error";
      }
      counts[outcome]++;
    }
    console.log(`torture: ${TRIALS} trials → ${JSON.stringify(counts)}`);
    expect(counts.error + counts.warned + counts.fsck).toBeGreaterThan(TRIALS * 0.95);
  }, 120_000);
});
