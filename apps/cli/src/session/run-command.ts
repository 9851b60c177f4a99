// The body shared by `loom run` and `loom resume`: find the session, run it, print the text and how to go on.
import { relative } from "node:path";
import type { CommandContext } from "../cli/define-command.js";
import { EXIT, ExitError } from "../cli/exit-error.js";
import { invocation } from "../cli/invocation.js";
import { BUDGET_OPTIONS, SELECTOR_OPTIONS } from "./config-flags.js";
import { describeEnd, howToContinue } from "./describe-end.js";
import { runSession } from "./run-session.js";
import { resolveSessionDir } from "./session-dir.js";

export const RUN_OPTIONS = {
  ...SELECTOR_OPTIONS,
  ...BUDGET_OPTIONS,
  model: {
    type: "string",
    valueName: "PATH|NAME",
    description: "load another GGUF file for this run (local engine; sampling stays as stored)",
  },
  from: {
    type: "string",
    valueName: "NODE",
    description: "check out this node first (id, id prefix, or position on the current path)",
  },
  continue: { type: "boolean", description: "grow past a stop recorded at the tip (the stop stays in the record)" },
  durable: {
    type: "boolean",
    description: "fsync every decision for this run (survives power loss; default: within 100 ms, see README)",
  },
} as const;

export async function runCommand(ctx: CommandContext<typeof RUN_OPTIONS>): Promise<void> {
  const { values, positionals, env, cwd, out, stdin, signal } = ctx;
  const dir = resolveSessionDir(positionals.session, env, cwd);
  const shown = relative(cwd, dir) || ".";
  const result = await runSession({
    dir,
    flags: values,
    from: values.from,
    continueAfterStop: values.continue,
    durable: values.durable,
    out,
    env,
    cwd,
    stdin,
    signal,
  });
  const { config: _config, ...json } = result;
  const next = howToContinue(result, `${invocation(cwd)} run ${shown}`);
  out.result({ ...json, next }, () => result.text);
  out.info(out.errColors.dim(describeEnd(result, shown)));
  if (next) out.info(`continue with: ${next}`);
  if (result.reason === "aborted" && !result.quit)
    throw new ExitError(EXIT.interrupted, "interrupted; everything already chosen is saved");
}
