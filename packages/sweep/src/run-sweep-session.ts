// One job: open the sweep session in the store (the single-writer lock), and run the ordinary session loop on it to its end, resuming where it stopped.
import type { SessionUsage } from "@loom/core";
import { createGenerator } from "@loom/generators";
import type { SessionStore } from "@loom/io";
import { Orchestrator, type RunResult } from "@loom/orchestrator";
import { createSelector } from "@loom/selectors";
import { limitedGenerator } from "./limited-generator.js";
import type { SweepPlan } from "./plan-schema.js";
import type { SharedLimits } from "./shared-limits.js";

export interface SessionRunInput {
  store: SessionStore;
  sessionId: string;
  plan: SweepPlan;
  limits: SharedLimits;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Told after every decision (decisions on the path so far, usage so far). */
  onDecision?: (decisions: number, usage: SessionUsage) => void;
}

export interface SessionRunOutcome extends RunResult {
  decisions: number;
  usage: SessionUsage;
}

/** Tokens a usage record counts, over every model. */
export const usageTokens = (usage: SessionUsage): number =>
  [...usage.generator, ...usage.selector].reduce((sum, m) => sum + m.inputTokens + m.outputTokens, 0);

export async function runSweepSession(input: SessionRunInput): Promise<SessionRunOutcome> {
  const session = await input.store.open(input.sessionId);
  let generator: ReturnType<typeof createGenerator> | null = null;
  try {
    const config = session.loom.config;
    // 429s are waited out by every worker together (limitedGenerator), so the adapter itself does not retry.
    generator = createGenerator({ ...config.generator, retry: { maxRetries: 0 } }, { env: input.env });
    const selector = createSelector(config.selector, { env: input.env, seed: config.generator.seed });
    const orch = await Orchestrator.open({
      session,
      generator: limitedGenerator(generator, input.limits, { provider: config.generator.provider }),
      selector,
      prices: input.plan.prices,
      signal: input.signal,
    });
    const decided = () => session.loom.currentPath.length - 1;
    orch.on((event) => {
      if (event.type === "decision" && event.action !== "clarify") input.onDecision?.(decided(), orch.getUsage());
    });
    // The step budget is the session's, not this attempt's: a resumed session only runs what is left.
    const maxSteps = config.maxSteps ?? Number.POSITIVE_INFINITY;
    const left = Math.max(0, maxSteps - decided());
    const result: RunResult =
      left === 0 ? { reason: "max-steps", steps: 0 } : await orch.run(Number.isFinite(left) ? { maxSteps: left } : {});
    await session.flush();
    return { ...result, decisions: decided(), usage: orch.getUsage() };
  } finally {
    await generator?.close?.().catch(() => {});
    await session.close();
  }
}
