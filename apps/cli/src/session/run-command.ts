// The body shared by `loom run` and `loom resume`: find the session, run it, print the text and where it is saved.
import { relative } from "node:path";
import type { CommandContext } from "../cli/define-command.js";
import { EXIT, ExitError } from "../cli/exit-error.js";
import { SELECTOR_OPTIONS } from "./config-flags.js";
import { describeEnd, runSession } from "./run-session.js";
import { resolveSessionDir } from "./session-dir.js";
import { invocation } from "../cli/invocation.js";

export const RUN_OPTIONS = {
  ...SELECTOR_OPTIONS,
  model: { type: "string", valueName: "PATH|NAME", description: "load another GGUF file for this run (local engine; sampling stays as stored)" },
  from: { type: "string", valueName: "NODE", description: "check out this node first (id, id prefix, or position on the current path)" },
} as const;

export async function runCommand(ctx: CommandContext<typeof RUN_OPTIONS>): Promise<void> {
  const { values, positionals, env, cwd, out, stdin, signal } = ctx;
  const dir = resolveSessionDir(positionals.session, env, cwd);
  const shown = relative(cwd, dir) || ".";
  const result = await runSession({ dir, flags: values, from: values.from, out, env, cwd, stdin, signal });
  const { config: _config, ...json } = result;
  out.result(json, () => result.text);
  out.info(out.errColors.dim(describeEnd(result, shown)));
  if (result.reason !== "selector") out.info(out.errColors.dim(`continue with: ${invocation(cwd)} resume ${shown}`));
  if (result.reason === "aborted" && !result.quit) throw new ExitError(EXIT.interrupted, "interrupted; everything already chosen is saved");
}
