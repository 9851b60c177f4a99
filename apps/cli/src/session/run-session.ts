// Runs the loop on a session directory: at the keyboard (human selectors, through the controlling terminal) or headless with progress on stderr.
import { applyTreeWork, checkout, currentText, currentTip, type SessionConfig } from "@loom/core";
import { openSession, readPricesFile } from "@loom/io";
import { Orchestrator, type OrchestratorEvent, type RunResult } from "@loom/orchestrator";
import { UsageError } from "../cli/exit-error.js";
import { Output } from "../cli/output.js";
import { KeyInput } from "../interactive/key-input.js";
import { Navigated, QuitRequested, TerminalHuman } from "../interactive/terminal-human.js";
import { SeenMarks } from "../interactive/seen-marks.js";
import { openTerminal, type Terminal } from "../interactive/terminal.js";
import { snippet } from "../render/snippet.js";
import { applyConfigFlags, persistentConfigChanges } from "./config-flags.js";
import { makeAlongside, makeGenerator } from "./make-generator.js";
import { pricesFileOf } from "./user-presets.js";
import { makeSelector } from "./make-selector.js";
import { resolveNodeRef } from "./node-ref.js";
import { saveConfig } from "./save-config.js";

export type RunFlags = Pick<
  Parameters<typeof applyConfigFlags>[1],
  "selector" | "selector-model" | "selector-base-url" | "model" | "max-steps" | "max-tokens-total"
>;

export interface RunSessionInput {
  dir: string;
  /** Selector and model flags for this run only; --max-tokens-total is saved with the session. */
  flags: RunFlags;
  /** Check out this node (id, prefix or path position) before running. */
  from?: string | undefined;
  /** Grow past a stop recorded at the tip. */
  continueAfterStop?: boolean;
  /** fsync every decision of this run (otherwise the session's `durable` setting decides). */
  durable?: boolean | undefined;
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: NodeJS.ReadStream;
  signal: AbortSignal;
}

export interface RunSessionResult extends RunResult {
  session: string;
  sessionId: string;
  text: string;
  tip: string;
  /** The step the piece is at: the number of the next decision on the current path (the seed's is 1). */
  step: number;
  maxTokensTotal: number;
  pathTokens: number;
  interactive: boolean;
  quit: boolean;
  config: SessionConfig;
}

/** The step a decision at the current tip is: 1 for the first continuation of the seed. */
export const stepAtTip = (pathLength: number): number => pathLength;

function noTerminal(mode: string): UsageError {
  return new UsageError(
    `this session's ${mode} selector chooses at the keyboard and there is no terminal (no /dev/tty); to run headless pass --selector auto, stateless or agentic`,
    "--selector auto follows the model offline; stateless and agentic need --selector-model MODEL",
  );
}

export async function runSession(input: RunSessionInput): Promise<RunSessionResult> {
  const { out, env } = input;
  const session = await openSession(input.dir, {
    onWarning: (w) => out.warn(w),
    ...(input.durable ? { durable: true } : {}),
  });
  let keys: KeyInput | null = null;
  let terminal: Terminal | null = null;
  let generator: Awaited<ReturnType<typeof makeGenerator>> | null = null;
  let alongside: ReturnType<typeof makeAlongside> = [];
  let abandoned = false;
  let seen: SeenMarks | null = null;
  // Ctrl-C in raw mode arrives as a key, not SIGINT: it aborts through this controller.
  const interrupt = new AbortController();
  const signal = AbortSignal.any([input.signal, interrupt.signal]);
  try {
    const changes = persistentConfigChanges(session.loom.config, input.flags);
    if (changes) saveConfig(session, changes);
    const config = applyConfigFlags(session.loom.config, input.flags);
    const interactive = config.selector.mode === "human" || config.selector.mode === "hybrid";
    // A keyboard session never changes its selector on its own: it finds the terminal, or refuses.
    if (interactive) {
      terminal = openTerminal(input.stdin, out.streams.stdout, out.json);
      if (!terminal) throw noTerminal(config.selector.mode);
    } else if (config.selector.mode === "agentic" && input.stdin.isTTY === true) {
      // Someone started the agent from a terminal: it may ask them (request_human_input) and must ask them
      // before it changes the brief (update_brief). Without a terminal the run stays headless and the agent
      // is told nobody is there.
      terminal = openTerminal(input.stdin, out.streams.stdout, out.json);
    }
    if (input.from !== undefined) {
      const nodeId = resolveNodeRef(session.loom, input.from, "--from");
      session.mutate((l) => checkout(l, nodeId));
    }
    // Sampling settings come from the stored config; a run may only point at another model file.
    generator = await makeGenerator(config.generator, {
      env,
      cwd: input.cwd,
      explicitModel: input.flags.model !== undefined,
      onWarning: (w) => out.warn(w),
    });
    const screen = terminal ? new Output({ stdout: terminal.output, stderr: terminal.output }, env, false) : out;
    if (terminal) keys = new KeyInput(terminal.input, () => interrupt.abort(new Error("interrupted")));
    let orch: Orchestrator | null = null;
    seen = keys ? await SeenMarks.load(session) : null;
    const human = keys
      ? new TerminalHuman(
          keys,
          screen,
          signal,
          async (nodeId) => void (await orch!.checkout(nodeId)),
          async (nodeId, tokenIndex, alternative) => {
            let made = "";
            await orch!.reshape((l) => {
              const r = applyTreeWork(l, { action: "branch", nodeId, tokenIndex, alternative });
              made = r.madeNodeId!;
              return r;
            });
            return made;
          },
          seen ?? undefined,
        )
      : undefined;
    const selector = makeSelector(config.selector, { env, ...(human ? { human } : {}), seed: config.generator.seed });
    alongside = makeAlongside(config.generator, { env, cwd: input.cwd, onWarning: (w) => out.warn(w) });
    const prices = await readPricesFile(pricesFileOf(env));
    orch = await Orchestrator.open({
      session,
      generator,
      alongside,
      prices,
      selector,
      ...(human ? { human } : {}),
      signal,
    });
    let step = stepAtTip(session.loom.currentPath.length);
    let decided = 0;
    orch.on((event: OrchestratorEvent) => {
      // Every step number shown is the one the keyboard header shows: the decision's place on the current path.
      if (event.type === "step-started") {
        step = stepAtTip(session.loom.currentPath.length);
        // The orchestrator's own count: the one its token budget (maxTokensTotal) stops on.
        screen.progress(`step ${step} · ${orch!.pathTokens()} tokens · generating…`);
        return;
      }
      if (event.type === "decision" && event.action !== "clarify") decided++;
      // The question is drawn next; a spinner redrawing its line would hide it.
      if (event.type === "brief-change-proposed") {
        out.done();
        screen.done();
        return;
      }
      if (interactive) return;
      if (event.type === "brief-changed") {
        out.info(`brief version ${event.version} (by the ${event.by}; changed: ${event.changed.join(", ")})`);
        return;
      }
      if (event.type === "candidates") {
        out.progress(`step ${step} · ${config.selector.mode} selector choosing among ${event.candidates.length}…`);
      } else if (event.type === "decision") {
        const what =
          event.action === "choose" ? `chose ${JSON.stringify(snippet(event.chosenText ?? "", 40))}` : event.action;
        out.info(out.errColors.dim(`step ${step}: ${what}${event.reason ? ` — ${snippet(event.reason, 60)}` : ""}`));
      } else if (event.type === "clarification-asked") {
        out.info(`step ${step}: the selector asks: ${event.question}`);
      }
    });
    const maxSteps = input.flags["max-steps"] ?? config.maxSteps ?? Number.POSITIVE_INFINITY;
    let result: RunResult;
    let quit = false;
    let continueAfterStop = input.continueAfterStop ?? false;
    for (;;) {
      try {
        const left = maxSteps - decided;
        const run = orch.run({ ...(Number.isFinite(left) ? { maxSteps: left } : {}), continueAfterStop });
        const settled = await untilAbortedOr(run, signal);
        if (settled === "abandoned") {
          // Native work (a model load, a long evaluation) may not notice an abort for seconds; the user
          // asked to stop now. Nothing it returns later can be written: the session is closed below.
          abandoned = true;
          result = { reason: "aborted", steps: decided };
          break;
        }
        result = { ...settled, steps: decided };
        break;
      } catch (error) {
        if (error instanceof Navigated) {
          // The step on screen was left undecided (its candidates stay stored); carry on from the new tip.
          continueAfterStop = true;
          continue;
        }
        if (!(error instanceof QuitRequested)) throw error;
        quit = true;
        result = { reason: "aborted", steps: decided, detail: "quit at the keyboard" };
        break;
      }
    }
    screen.done();
    out.done();
    if (interactive && terminal?.screenIsStdout) out.write("\u001B[2J\u001B[H");
    const loom = session.loom;
    return {
      ...result,
      session: input.dir,
      sessionId: loom.sessionId,
      text: currentText(loom),
      tip: currentTip(loom),
      step: stepAtTip(loom.currentPath.length),
      maxTokensTotal: loom.config.maxTokensTotal,
      pathTokens: orch.pathTokens(),
      interactive,
      quit,
      config,
    };
  } finally {
    out.done();
    keys?.close();
    terminal?.close();
    // An abandoned generation still holds the model: closing it would wait for the native work.
    if (!abandoned)
      for (const g of [generator, ...alongside.map((a) => a.generator)]) await g?.close?.().catch(() => {});
    // What was shown at the keyboard is kept for the next run's unread marks; losing it loses no writing.
    await seen
      ?.save(session)
      .catch((error: unknown) => out.warn(`unread marks not saved: ${(error as Error).message}`));
    await session.close();
  }
}

/** How long an aborted run gets to wind down by itself before it is abandoned (the issue's bound is 0.5 s). */
const ABORT_GRACE_MS = 100;

/** The run's result, or "abandoned" when it has not ended ABORT_GRACE_MS after `signal` aborted. */
function untilAbortedOr<T>(run: Promise<T>, signal: AbortSignal): Promise<T | "abandoned"> {
  run.catch(() => {}); // an abandoned run's later failure (the session closed under it) is expected
  return new Promise<T | "abandoned">((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => resolve("abandoned"), ABORT_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    run.then(
      (value) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
