// Builds large sessions of realistic nodes for the CLI's scale tests and its benchmark, written through @loom/io as a run would leave them.
import {
  addCandidates,
  choose,
  createLoom,
  defaultSessionConfig,
  type Loom,
  type LoomEnv,
  type Token,
} from "@loom/core";
import { createSession } from "@loom/io";

/**
 * A realistic node, as issues 9 and 16 define it: a 6-token segment whose tokens each carry a logprob
 * and the top-5 alternatives (≈ 1.9 KB of JSON), as the local engine and OpenAI-compatible servers
 * with `logprobs: 5` return them.
 */
const TOKENS_PER_NODE = 6;
const TOP = 5;
const WORDS =
  " the a web of light thread wove under over silence and then it was holding heat hand spider lantern".split(" ");

/** Park–Miller's minimal standard generator: deterministic test data, nothing more is asked of it. */
function rng(seed: number): () => number {
  let x = (seed % 2147483646) + 1;
  return () => (x = (x * 48271) % 2147483647) / 2147483647;
}

function tokens(rand: () => number): Token[] {
  return Array.from({ length: TOKENS_PER_NODE }, () => {
    const top = Array.from({ length: TOP }, (_, i) => ({
      text: ` ${WORDS[Math.floor(rand() * WORDS.length)]!}`,
      logprob: -(i + rand()),
    }));
    return { text: top[0]!.text, id: Math.floor(rand() * 32000), logprob: top[0]!.logprob, top };
  });
}

function env(): LoomEnv {
  let n = 0;
  let t = Date.UTC(2026, 0, 1);
  const prefix = { node: "n", decision: "d", session: "s" } as const;
  return {
    newId: (k) => `${prefix[k]}_${(++n).toString(16).padStart(16, "0")}`,
    now: () => new Date(t++).toISOString(),
  };
}

export interface RealisticShape {
  /** Decisions along the current path. */
  decisions: number;
  /** Candidates per decision (one is chosen, the rest stay as branches). */
  branching: number;
  seed?: number;
}

/** A loom of `decisions` choices of `branching` realistic candidates each: 1 + decisions × branching nodes. */
export function realisticLoom(shape: RealisticShape): Loom {
  const rand = rng(shape.seed ?? 1);
  const e = env();
  const loom = createLoom({ seed: "The spider wove", config: defaultSessionConfig({ maxTokensTotal: 10_000_000 }) }, e);
  let tip = loom.rootId;
  for (let i = 0; i < shape.decisions; i++) {
    const candidates = Array.from({ length: shape.branching }, () => {
      const t = tokens(rand);
      return { text: t.map((x) => x.text).join(""), tokens: t };
    });
    const added = addCandidates(loom, tip, candidates, { env: e });
    const chosen = added.nodeIds[Math.floor(rand() * added.nodeIds.length)]!;
    choose(loom, added.decisionId, chosen, "auto", "highest logprob", e);
    tip = chosen;
  }
  return loom;
}

/** Writes the loom as a closed session directory. */
export async function writeRealisticSession(dir: string, shape: RealisticShape): Promise<Loom> {
  const loom = realisticLoom(shape);
  const session = await createSession(dir, loom);
  await session.close();
  return loom;
}
