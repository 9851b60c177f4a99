// Runs the loop on a session directory: at the keyboard (a TTY and a human selector) or headless with progress on stderr.
import { currentText, currentTip, type SessionConfig } from "@loom/core";
import { openSession } from "@loom/io";
import { Orchestrator, type OrchestratorEvent, type RunResult } from "@loom/orchestrator";
import type { Output } from "../cli/output.js";
import { KeyInput } from "../interactive/key-input.js";
import { QuitRequested, TerminalHuman } from "../interactive/terminal-human.js";
import { snippet } from "../render/snippet.js";
import { applyConfigFlags } from "./config-flags.js";
import { makeGenerator } from "./make-generator.js";
import { makeSelector } from "./make-selector.js";
import { resolveNodeRef } from "./node-ref.js";

export type RunFlags = Pick<Parameters<typeof applyConfigFlags>[1], "selector" | "selector-model" | "selector-base-url" | "model" | "max-steps">;

export interface RunSessionInput {
  dir: string;
  /** Selector and model flags for this run only (the stored config is not changed). */
  flags: RunFlags;
  /** Check out this node (id, prefix or path position) before running. */
  from?: string | undefined;
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: NodeJS.ReadStream;
  signal: AbortSignal;
  allowCheckoutModel?: boolean;
}

export interface RunSessionResult extends RunResult {
  session: string;
  sessionId: string;
  text: string;
  tip: string;
  interactive: boolean;
  quit: boolean;
  config: SessionConfig;
}

export async function runSession(input: RunSessionInput): Promise<RunSessionResult> {
  const { out, env } = input;
  const session = await openSession(input.dir, { onWarning: (w) => out.warn(w) });
  let keys: KeyInput | null = null;
  let generator: Awaited<ReturnType<typeof makeGenerator>> | null = null;
  try {
    let config = applyConfigFlags(session.loom.config, input.flags);
    const tty = input.stdin.isTTY === true && out.streams.stdout.isTTY === true && !out.json;
    const wantsHuman = config.selector.mode === "human" || config.selector.mode === "hybrid";
    if (wantsHuman && !tty) {
      if (config.selector.mode === "hybrid") {
        out.warn("no terminal: hybrid runs as stateless (no one to answer clarifications)");
        config = { ...config, selector: { ...config.selector, mode: "stateless" } };
      } else {
        out.warn("no terminal to choose at: the automatic selector chooses (pass --selector to pick another)");
        config = { ...config, selector: { ...config.selector, mode: "auto" } };
      }
    }
    const interactive = tty && (config.selector.mode === "human" || config.selector.mode === "hybrid");
    if (input.from !== undefined) {
      const nodeId = resolveNodeRef(session.loom, input.from, "--from");
      // Through the orchestrator below would also work; checking out first keeps the first screen right.
      const { checkout } = await import("@loom/core");
      session.mutate((l) => checkout(l, nodeId));
    }
    // Sampling settings come from the stored config (set by `loom new`); a run may only point at another model file.
    generator = await makeGenerator(config.generator, { env, cwd: input.cwd, allowCheckoutModel: input.allowCheckoutModel ?? false, onWarning: (w) => out.warn(w) });
    if (interactive) keys = new KeyInput(input.stdin);
    const human = keys ? new TerminalHuman(keys, out, input.signal) : undefined;
    const selector = makeSelector(config.selector, { env, ...(human ? { human } : {}), seed: config.generator.seed });
    const orch = await Orchestrator.open({ session, generator, selector, ...(human ? { human } : {}), signal: input.signal });
    let step = 0;
    orch.on((event: OrchestratorEvent) => {
      // The orchestrator's own count: the one its token budget (maxTokensTotal) stops on.
      const tokens = orch.pathTokens();
      if (event.type === "step-started") {
        step = event.step;
        out.progress(`step ${step} · ${tokens} tokens · generating…`);
      } else if (event.type === "candidates" && !interactive) {
        out.progress(`step ${step} · ${tokens} tokens · ${config.selector.mode} selector choosing among ${event.candidates.length}…`);
      } else if (event.type === "decision" && !interactive) {
        const what = event.action === "choose" ? `chose ${JSON.stringify(snippet(event.chosenText ?? "", 40))}` : event.action;
        out.info(out.errColors.dim(`step ${step}: ${what}${event.reason ? ` — ${snippet(event.reason, 60)}` : ""}`));
      } else if (event.type === "clarification-asked" && !interactive) {
        out.info(`step ${step}: the selector asks: ${event.question}`);
      }
    });
    let result: RunResult;
    let quit = false;
    try {
      result = await orch.run(input.flags["max-steps"] !== undefined ? { maxSteps: input.flags["max-steps"] } : {});
    } catch (error) {
      if (!(error instanceof QuitRequested)) throw error;
      quit = true;
      result = { reason: "aborted", steps: step, detail: "quit at the keyboard" };
    }
    out.done();
    if (interactive) out.write("\u001B[2J\u001B[H");
    return {
      ...result,
      session: input.dir,
      sessionId: session.loom.sessionId,
      text: currentText(session.loom),
      tip: currentTip(session.loom),
      interactive,
      quit,
      config,
    };
  } finally {
    out.done();
    keys?.close();
    await generator?.close?.().catch(() => {});
    await session.close();
  }
}

/** One line saying why the run ended and where the session is. */
export function describeEnd(r: RunSessionResult, shownDir: string): string {
  const why: Record<string, string> = {
    selector: "stopped by the selector",
    "max-tokens": "reached the token budget",
    "max-steps": "reached the step limit",
    aborted: r.quit ? "quit" : "interrupted",
    "awaiting-clarification": "waiting for an answer to a clarification",
    "agent-budget": "the agent's budget ran out",
    error: "failed",
  };
  const detail = r.detail && r.reason !== "max-steps" ? ` (${r.detail})` : "";
  return `${why[r.reason] ?? r.reason}${detail} after ${r.steps} step${r.steps === 1 ? "" : "s"}; saved in ${shownDir}`;
}
