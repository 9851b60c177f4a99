// The session loop: step after step until the selector stops, a budget ends it, a human is needed, or it is aborted.
import { currentTip, pendingClarification } from "@loom/core";
import { type Selector } from "@loom/selectors";
import { isSelectorCommand } from "@loom/selectors/internal";
import type { AgentStepRunner } from "./agent-step.js";
import { askHuman, recordClarify } from "./clarifications.js";
import type { StopReason } from "./events.js";
import { anySignal } from "./generation-request.js";
import { OrchestratorError } from "./orchestrator-error.js";
import { select, toResolution } from "./selection.js";
import type { SessionSteps } from "./session-steps.js";

export interface RunOptions {
  /** Decisions to make in this call (default: `config.maxSteps`, else unlimited). */
  maxSteps?: number;
  signal?: AbortSignal;
  /** Grow past a stop recorded at the tip this run starts from (the stop stays in the record). */
  continueAfterStop?: boolean;
}

export interface RunResult {
  reason: StopReason;
  steps: number;
  detail?: string;
}

/** Longest stretch run() goes without letting the event loop turn. */
const YIELD_EVERY_MS = 5;

export class RunLoop {
  #running = false;
  /** Steps started over this orchestrator's life (numbers the step-started events). */
  #stepCount = 0;

  constructor(
    private readonly steps: SessionSteps,
    private readonly agent: AgentStepRunner | undefined,
  ) {}

  /** Loop until stop, maxTokensTotal, a step limit or an abort. Errors are emitted, then thrown; the session stays resumable. */
  async run(options: RunOptions): Promise<RunResult> {
    const s = this.steps;
    if (this.#running) throw new OrchestratorError("busy", "run() is already in progress on this orchestrator");
    const selector = s.requireSelector();
    this.#running = true;
    const signal = anySignal([s.signal, options.signal]);
    const maxSteps = options.maxSteps ?? s.loom.config.maxSteps ?? Infinity;
    let steps = 0;
    let lastYield = performance.now();
    // The tip whose recorded stop this run grows past, until a new stop is made in this run.
    let pastStop = options.continueAfterStop ? currentTip(s.loom) : null;
    const offStop = s.bus.on((e) => {
      if (e.type === "decision" && e.action === "stop") pastStop = null;
    });
    const finish = async (reason: StopReason, detail?: string): Promise<RunResult> => {
      await s.usage.save(true);
      s.bus.emit({ type: "stopped", reason, ...(detail ? { detail } : {}) });
      return { reason, steps, ...(detail ? { detail } : {}) };
    };
    try {
      for (;;) {
        // A generator that does no I/O (scripted, a local engine) keeps the loop in microtasks: timers,
        // aborts, I/O callbacks and the session's background compaction would all wait for the whole run.
        if (performance.now() - lastYield >= YIELD_EVERY_MS) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
        if (signal?.aborted) return await finish("aborted");
        const stopped = s.stoppedAtTip();
        if (stopped !== null && currentTip(s.loom) !== pastStop) return await finish("selector", stopped);
        const pending = pendingClarification(s.loom);
        if (pending && !s.clarificationAnswers.has(pending.id)) {
          if (!s.human) return await finish("awaiting-clarification", pending.id);
          await askHuman(s, pending, signal);
          continue;
        }
        if (s.pathTokens() >= s.loom.config.maxTokensTotal)
          return await finish("max-tokens", `${s.pathTokens()} tokens`);
        if (steps >= maxSteps) return await finish("max-steps", `${steps} steps`);
        steps++;
        this.#stepCount++;
        s.bus.emit({ type: "step-started", step: this.#stepCount, parentNodeId: currentTip(s.loom) });
        if (this.agent) {
          const outcome = await this.agent.step(signal);
          if (outcome) return await finish("agent-budget", outcome);
          continue;
        }
        await this.selectorStep(selector as Selector, signal);
        await s.usage.save(false);
      }
    } catch (error) {
      if (signal?.aborted) return await finish("aborted");
      await s.usage.save(true).catch(() => {});
      s.bus.emit({ type: "stopped", reason: "error", detail: (error as Error).message });
      throw error;
    } finally {
      offStop();
      this.#running = false;
    }
  }

  /** One step of a stateless (or human) selector: candidates, then its decision, commands or question. */
  private async selectorStep(selector: Selector, signal: AbortSignal | undefined): Promise<void> {
    const s = this.steps;
    const withSignal = signal ? { signal } : {};
    let step = await s.generate(withSignal);
    for (;;) {
      const { outcome, view } = await select(s, selector, step.decisionId, undefined, signal);
      if (isSelectorCommand(outcome)) {
        if (outcome.action === "reroll") {
          step = await s.generate({ reroll: true, ...withSignal });
          continue;
        }
        if (outcome.action === "write") s.write(outcome.text, "written by the human");
        else s.back();
        return;
      }
      if (outcome.action === "clarify") {
        const decision = recordClarify(s, step.decisionId, outcome, outcome.chosenBy ?? selector.chosenBy, view);
        if (s.human) await askHuman(s, decision, signal);
        return;
      }
      s.finalize(step.decisionId, toResolution(outcome, selector.chosenBy, view));
      return;
    }
  }
}
