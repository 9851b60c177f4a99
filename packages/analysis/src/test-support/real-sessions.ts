// Test corpus: sessions produced by the real loop (orchestrator, local GGUF engine, auto and scripted selectors), written to disk as runs leave them.
import { cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLoom, type SessionConfigInput } from "@loom/core";
import { LocalGenerator } from "@loom/generators";
import { createSession } from "@loom/io";
import { Orchestrator } from "@loom/orchestrator";
import {
  createAutoSelector,
  createScriptedSelector,
  type SelectionContext,
  type SelectionOutcome,
} from "@loom/selectors";

export const MODEL = join(dirname(fileURLToPath(import.meta.url)), "../../../../../shared/models/stories260K.gguf");

/** Prices so cost totals are exercised: the local model as if it were billed. */
export const PRICES = { "local:stories260K.gguf": { inputPerMTok: 1, outputPerMTok: 2 } };

const byLogprob = (ctx: SelectionContext) =>
  [...ctx.candidates].sort((a, b) => (b.stepLogprob ?? -Infinity) - (a.stepLogprob ?? -Infinity));

/**
 * A judge standing in for an LLM selector (chosenBy selector_llm): the favourite, the runner-up and the least
 * likely candidate in turn, a clarification at step `clarifyAt`, and a stop at step `stopAt`.
 */
function judge(clarifyAt: number, stopAt: number) {
  return createScriptedSelector(
    (ctx, index): SelectionOutcome => {
      const ranked = byLogprob(ctx);
      if (index === stopAt) return { action: "stop", reason: "the story has reached its turn" };
      if (index === clarifyAt)
        return {
          action: "clarify",
          question: "Should Lily meet the dog now or later?",
          candidatesInTension: [ranked[0]!.id, ranked[ranked.length - 1]!.id],
          whatHingesOnIt: "whether the dog is a surprise",
        };
      const pick = ranked[[0, 1, ranked.length - 1][index % 3]!] ?? ranked[0]!;
      return { action: "choose", choice: pick.id, ranking: ranked.map((c) => c.id), reason: `rank pick ${index % 3}` };
    },
    { chosenBy: "selector_llm", kind: "stateless" },
  );
}

const LILY = "Once upon a time, there was a little girl named Lily.";

export interface Corpus {
  root: string;
  /** The sessions under root, by name (relative path). */
  dirs: Record<"autoDefault" | "autoBudget" | "judgeStop" | "judgeWaiting", string>;
}

/**
 * Four sessions under `<tmp>/tree`: two with the automatic selector (default preset; one ends at its
 * maxSteps, one at its token budget), two with the scripted judge (stable preset; one stops itself after a
 * clarification the human answered, one waits on an unanswered clarification and is left unclosed, so it
 * is read whole from its journal).
 */
export async function buildCorpus(): Promise<Corpus> {
  const root = mkdtempSync(join(tmpdir(), "loom-analysis-"));
  const generator = new LocalGenerator({ modelPath: MODEL, contextSize: 512, parallel: 8, threads: 1 });
  const dirs: Corpus["dirs"] = {
    autoDefault: join(root, "tree/auto/lily-1"),
    autoBudget: join(root, "tree/auto/lily-2"),
    judgeStop: join(root, "tree/judge/j-1"),
    judgeWaiting: join(root, "tree/judge/j-2"),
  };
  const make = async (
    dir: string,
    config: SessionConfigInput,
    title: string,
    selector: Parameters<typeof Orchestrator.open>[0]["selector"],
    options: { answer?: boolean; leaveOpen?: boolean; maxSteps?: number } = {},
  ) => {
    const target = options.leaveOpen ? join(root, "scratch", dir.split("/").pop()!) : dir;
    mkdirSync(dirname(target), { recursive: true });
    // No compaction while it runs, so a session left open keeps its decisions in the journal.
    const session = await createSession(target, createLoom({ seed: LILY, brief: { title }, config }), {
      compactAfterBytes: false,
    });
    const orch = await Orchestrator.open({
      session,
      generator,
      selector,
      prices: PRICES,
      ...(options.answer
        ? {
            human: {
              chooseCandidate: () => Promise.reject(new Error("not asked to choose")),
              answerClarification: async (req) => ({
                answer: "later",
                decision: {
                  action: "choose" as const,
                  choice: req.candidatesInTension[1]!,
                  reason: "later, as a surprise",
                },
              }),
            },
          }
        : {}),
    });
    await orch.run(options.maxSteps ? { maxSteps: options.maxSteps } : {});
    if (options.leaveOpen) {
      // A copy taken while the writer is open: its journal holds every op after the first snapshot.
      cpSync(target, dir, { recursive: true, filter: (p) => !p.endsWith("/lock") });
    }
    await session.close();
  };
  const local = { provider: "local", model: "stories260K.gguf" } as const;
  await make(
    dirs.autoDefault,
    { generator: { ...local, seed: 11 }, selector: { mode: "auto" }, maxSteps: 8 },
    "Lily",
    createAutoSelector(),
  );
  await make(
    dirs.autoBudget,
    { generator: { ...local, seed: 12 }, selector: { mode: "auto" }, maxTokensTotal: 30 },
    "Lily",
    createAutoSelector(),
  );
  const stable = { ...local, segmentTokens: 8, branchingFactor: 4, temperature: 0.85, topP: 0.92 };
  await make(
    dirs.judgeStop,
    { generator: { ...stable, seed: 13 }, selector: { mode: "stateless", model: "scripted-judge" } },
    "The dog",
    judge(3, 9),
    { answer: true },
  );
  await make(
    dirs.judgeWaiting,
    { generator: { ...stable, seed: 14 }, selector: { mode: "stateless", model: "scripted-judge" } },
    "The dog",
    judge(5, 99),
    { leaveOpen: true },
  );
  await generator.close?.();
  return { root, dirs };
}
