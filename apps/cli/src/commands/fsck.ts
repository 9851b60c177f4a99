// `loom fsck`: verify a session's checksums, file agreement and invariants; with --repair, salvage it into a new session beside it.
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fsckSession, salvageSession } from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { FailureError } from "../cli/exit-error.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
import { resolveSessionDir } from "../session/session-dir.js";

/** `<dir>.salvaged`, or `<dir>.salvaged-2`, … : never an existing path, never inside the damaged session. */
function salvageDest(dir: string): string {
  const base = join(dirname(dir), `${basename(dir)}.salvaged`);
  let dest = base;
  for (let i = 2; existsSync(dest); i++) dest = `${base}-${i}`;
  return dest;
}

export default defineCommand({
  name: "fsck",
  summary: "check a session for damage; --repair salvages it into a new session",
  positionals: [SESSION_POSITIONAL],
  options: {
    repair: {
      type: "boolean",
      description: "copy every intact record into a new session beside this one (this one is never changed)",
    },
  },
  examples: [
    {
      command: "loom fsck story",
      description: "Verify every checksum, the snapshot/journal/manifest agreement and the tree's invariants.",
    },
    {
      command: "loom fsck story --repair",
      description: "Salvage what is intact into story.salvaged and list what could not be saved.",
    },
  ],
  async run({ values, positionals, env, cwd, out }) {
    const dir = resolveSessionDir(positionals.session, env, cwd);
    const report = await fsckSession(dir);
    const salvage = values.repair && report.problems.length > 0 ? await salvageSession(dir, salvageDest(dir)) : null;
    out.result({ ...report, salvage }, () => {
      const c = out.colors;
      const lines: string[] = [];
      if (report.loaded)
        lines.push(
          `${dir}: ${report.loaded.nodes} nodes, ${report.loaded.decisions} decisions, seq ${report.loaded.seq}`,
        );
      for (const p of report.problems) lines.push(`${c.red("damaged")} ${p.message}`);
      for (const r of report.repairable) lines.push(`${c.yellow("repairable")} ${r} (an ordinary open repairs this)`);
      if (report.problems.length === 0)
        lines.push(c.green("ok: every checksum holds, the files agree, the tree is whole"));
      if (salvage) {
        lines.push(`salvaged ${salvage.nodes} nodes and ${salvage.decisions} decisions into ${salvage.dest}`);
        for (const l of salvage.lost) lines.push(`${c.red("not saved")} ${l}`);
        if (salvage.lost.length === 0) lines.push("nothing was lost");
      }
      return lines.join("\n");
    });
    if (report.problems.length > 0 && !salvage) {
      throw new FailureError(
        `${report.problems.length} problem(s) in ${dir}`,
        "run `loom fsck --repair` to salvage what is intact into a new session",
      );
    }
  },
});
