// `loom fsck` through the built binary: a healthy session passes; damage is named by file and record; --repair salvages into a new session beside the old one.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addCandidates, choose, createLoom, currentText, sequentialEnv } from "@loom/core";
import { createSession, readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, loom, scratch } from "./helpers.js";

let dir: string;
let text = "";

/** A session whose snapshot holds two node frames (1,024 records each at most) and whose journal holds later steps. */
async function makeSession(at: string): Promise<void> {
  const env = sequentialEnv();
  const s = await createSession(at, createLoom({ seed: "Once", sessionId: "s-fsck" }, env), {
    compactAfterBytes: false,
  });
  for (let i = 0; i < 160; i++) {
    const tip = s.loom.currentPath.at(-1)!;
    const cands = Array.from({ length: 8 }, (_, k) => ({
      text: ` w${i}.${k}`,
      stepLogprob: -k - 1,
      tokens: [{ text: ` w${i}.${k}`, logprob: -k - 1, top: [{ text: " x", logprob: -2 }] }],
    }));
    const { decisionId, nodeIds } = s.mutate((l) => addCandidates(l, tip, cands, { env }));
    s.mutate((l) => choose(l, decisionId, nodeIds[i % 8]!, "selector_llm", `step ${i}`, env));
    if (i === 149) await s.compact();
  }
  text = currentText(s.loom);
  await s.close();
  // Reopen and add steps that stay in the journal (a crash-like state: no compaction).
  const { openSession } = await import("@loom/io");
  const w = await openSession(at, { compactAfterBytes: false });
  for (let i = 160; i < 163; i++) {
    const tip = w.loom.currentPath.at(-1)!;
    const { decisionId, nodeIds } = w.mutate((l) => addCandidates(l, tip, [{ text: ` j${i}` }], { env }));
    w.mutate((l) => choose(l, decisionId, nodeIds[0]!, "auto", "only", env));
  }
  text = currentText(w.loom);
  (w as unknown as { lock: { release(): void } }).lock.release();
}

/** Offsets of the snapshot's frames: (type, payload start, payload length). */
function frames(file: string) {
  const buf = readFileSync(file);
  const out: { type: number; at: number; length: number }[] = [];
  for (let off = 16; off < buf.length; ) {
    const length = buf.readUInt32LE(off);
    out.push({ type: buf[off + 8]!, at: off + 10, length });
    off += 10 + length;
  }
  return out;
}

beforeAll(async () => {
  ensureBuilt();
  dir = scratch("loom-fsck-");
  await makeSession(join(dir, "healthy"));
  await makeSession(join(dir, "story"));
}, 120_000);

describe("loom fsck", () => {
  it("passes a healthy session", async () => {
    const r = await loom(["fsck", "healthy"], { dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1284 nodes, 163 decisions, seq \d+/);
    expect(r.stdout).toMatch(/ok: every checksum holds/);
  });

  it("names the damaged frame and journal line, and --repair salvages the rest into a new session beside it", async () => {
    const session = join(dir, "story");
    const snapshot = join(session, "loom.json");
    const nodeFrames = frames(snapshot).filter((f) => f.type === 3);
    expect(nodeFrames.length).toBe(2);
    const buf = readFileSync(snapshot);
    const last = nodeFrames[1]!;
    buf[last.at + Math.floor(last.length / 2)]! ^= 0x20;
    writeFileSync(snapshot, buf);
    const journal = join(session, "journal.ndjson");
    // Byte for byte (latin1): the candidates are binary records, which a round trip through UTF-8 would mangle.
    const lines = readFileSync(journal, "latin1").split("\n");
    lines[2] = lines[2]!.replace(" j161", " j16I");
    writeFileSync(journal, lines.join("\n"), "latin1");
    const before = Object.fromEntries(
      readdirSync(session).map((f) => [f, readFileSync(join(session, f)).toString("base64")]),
    );

    const check = await loom(["fsck", "story"], { dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(
      new RegExp(
        `damaged .*loom\\.json \\(field frame \\d+\\): frame \\d+ at byte ${last.at - 10} \\(nodes\\) fails its checksum`,
      ),
    );
    expect(check.stdout).toMatch(
      /damaged .*journal\.ndjson:3 \(field crc\): record 3 \(binary, at byte \d+\) fails its checksum/,
    );
    expect(check.stderr).toMatch(/problem\(s\) in .*story[\s\S]*loom fsck --repair/);
    // With --json the failure is one JSON document on stdout (the report, which lists the damage), not two.
    const checkJson = await loom(["fsck", "story", "--json"], { dir });
    expect(checkJson.code).toBe(1);
    expect(checkJson.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect((JSON.parse(checkJson.stdout) as { problems: unknown[] }).problems.length).toBeGreaterThan(1);
    expect(checkJson.stderr).toMatch(/problem\(s\) in/);

    const repair = await loom(["fsck", "story", "--repair", "--json"], { dir });
    expect(repair.code, repair.stderr).toBe(0);
    const report = JSON.parse(repair.stdout) as {
      salvage: { dest: string; nodes: number; decisions: number; lost: string[] };
    };
    expect(report.salvage.dest).toBe(join(dir, "story.salvaged"));
    // The frame held the last 265 nodes of the snapshot; whatever hung under them, and the journal from the damaged line on, is listed.
    expect(report.salvage.lost.some((l) => /frame \d+ at byte \d+ \(nodes\) fails its checksum/.test(l))).toBe(true);
    expect(report.salvage.lost.some((l) => /journal\.ndjson:3/.test(l))).toBe(true);
    expect(report.salvage.nodes).toBeGreaterThan(1000);
    // The salvaged session opens, is whole, and its text is the start of the story.
    const salvaged = await readSession(report.salvage.dest);
    expect(salvaged.warnings).toEqual([]);
    expect(text.startsWith(currentText(salvaged.loom))).toBe(true);
    expect(currentText(salvaged.loom).length).toBeGreaterThan(100);
    const ok = await loom(["fsck", "story.salvaged"], { dir });
    expect(ok.code, ok.stdout).toBe(0);
    // The damaged session itself was not touched.
    expect(
      Object.fromEntries(readdirSync(session).map((f) => [f, readFileSync(join(session, f)).toString("base64")])),
    ).toEqual(before);
  }, 60_000);
});
