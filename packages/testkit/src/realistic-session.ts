// Builds large looms and sessions of realistic nodes for scale tests and benchmarks, written through @loom/io as a run would leave them.
import {
  addCandidates,
  choose,
  createLoom,
  defaultSessionConfig,
  type Loom,
  type LoomEnv,
  type Token,
} from "@loom/core";
import { seededRandom } from "@loom/core/internal";
import { createSession } from "@loom/io";

const WORDS =
  " the a web of light thread wove under over silence and then it was holding heat hand spider lantern".split(" ");

/** Ids as long as defaultEnv's (a prefix and 16 hex digits) so sizes on disk are realistic; times 1 ms apart. */
export function realisticEnv(): LoomEnv {
  let n = 0;
  let t = Date.UTC(2026, 0, 1);
  const prefix = { node: "n", decision: "d", session: "s" } as const;
  return {
    newId: (k) => `${prefix[k]}_${(++n).toString(16).padStart(16, "0")}`,
    now: () => new Date(t++).toISOString(),
  };
}

export interface RealisticNodeShape {
  /** Tokens per node (default 6). */
  tokens?: number;
  /** Alternatives per token (default 5). */
  top?: number;
}

/**
 * A realistic candidate, as DESIGN §6 and issues 9 and 16 define it: a segment of 6 tokens, each with its
 * logprob and its top-5 alternatives (≈ 1.9 KB of JSON), as the local engine and OpenAI-compatible
 * servers return them with `logprobs: 5`, and the generator's provenance.
 */
export function realisticCandidate(rand: () => number, shape: RealisticNodeShape = {}) {
  const tokens: Token[] = Array.from({ length: shape.tokens ?? 6 }, () => {
    const top = Array.from({ length: shape.top ?? 5 }, (_, i) => ({
      text: ` ${WORDS[Math.floor(rand() * WORDS.length)]!}`,
      logprob: -(i + rand()),
    }));
    return { text: top[0]!.text, id: Math.floor(rand() * 32000), logprob: top[0]!.logprob, top };
  });
  return {
    text: tokens.map((t) => t.text).join(""),
    tokens,
    meta: { model: "realistic", temperature: 1 },
  };
}

export interface RealisticShape extends RealisticNodeShape {
  /** Decisions along the current path. */
  decisions: number;
  /** Candidates per decision (one is chosen, the rest stay as branches). */
  branching: number;
  /** Leave the last decision open (as a run paused at the keyboard does) instead of choosing. */
  leaveOpen?: boolean;
  seed?: number;
}

/** A loom of `decisions` choices of `branching` realistic candidates each: 1 + decisions × branching nodes. */
export function realisticLoom(shape: RealisticShape, env: LoomEnv = realisticEnv()): Loom {
  const rand = seededRandom(shape.seed ?? 1);
  const loom = createLoom(
    { seed: "The spider wove", config: defaultSessionConfig({ maxTokensTotal: 10_000_000 }) },
    env,
  );
  let tip = loom.rootId;
  for (let i = 0; i < shape.decisions; i++) {
    const candidates = Array.from({ length: shape.branching }, () => realisticCandidate(rand, shape));
    const added = addCandidates(loom, tip, candidates, { env });
    if (shape.leaveOpen && i === shape.decisions - 1) break;
    const chosen = added.nodeIds[Math.floor(rand() * added.nodeIds.length)]!;
    choose(loom, added.decisionId, chosen, "auto", "highest logprob", env);
    tip = chosen;
  }
  return loom;
}

/** Writes a realistic loom as a closed session directory (snapshot, empty journal, manifest) and returns it. */
export async function writeRealisticSession(dir: string, shape: RealisticShape): Promise<Loom> {
  const loom = realisticLoom(shape);
  const session = await createSession(dir, loom);
  await session.close();
  return loom;
}
