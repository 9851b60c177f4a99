// Test helpers for the orchestrator's tests (not exported): fixtures, temp session dirs, a scripted human.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLoom, sequentialEnv, type LoomEnv } from "@loom/core";
import type {
  ClarificationAnswer,
  ClarificationRequest,
  HumanChoiceRequest,
  HumanInterface,
  SelectionOutcome,
} from "@loom/selectors";
import type { OrchestratorEvent } from "./events.js";

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8")) as T;
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "loom-orch-"));
  return { dir: join(dir, "session"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const BRIEF = {
  title: "The hand",
  leanInto: ["Aliveness", "Images that think"],
  avoid: ["Neat resolution"],
};

/** A loom with deterministic ids: root n_000001, then per step a decision and `branching` nodes. */
export function testLoom(config: Record<string, unknown> = {}, env: LoomEnv = sequentialEnv()) {
  const loom = createLoom(
    {
      seed: "The attention was a hand, and it was holding",
      brief: BRIEF,
      sessionId: "s_test",
      config: {
        generator: { provider: "scripted", branchingFactor: 3, segmentTokens: 4 },
        selector: { mode: "stateless" },
        ...config,
      },
    },
    env,
  );
  return { loom, env };
}

export function readLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A human that answers from scripts and records what it was asked. */
export function scriptedHuman(options: {
  choose?: (req: HumanChoiceRequest) => SelectionOutcome;
  answers?: ClarificationAnswer[];
}): HumanInterface & { asked: ClarificationRequest[] } {
  const asked: ClarificationRequest[] = [];
  const answers = [...(options.answers ?? [])];
  return {
    asked,
    async chooseCandidate(req) {
      if (!options.choose) throw new Error("this scripted human does not choose");
      return options.choose(req);
    },
    async answerClarification(req) {
      asked.push(req);
      const next = answers.shift();
      if (!next) throw new Error(`unexpected clarification: ${req.question}`);
      return next;
    },
  };
}

export function recordEvents(on: (l: (e: OrchestratorEvent) => void) => unknown): OrchestratorEvent[] {
  const events: OrchestratorEvent[] = [];
  on((e) => events.push(e));
  return events;
}
