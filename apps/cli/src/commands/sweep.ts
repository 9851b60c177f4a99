// `loom sweep plan.toml` starts a sweep; `loom sweep status [NAME]` shows progress; `loom sweep cancel NAME` stops one.
import { cancelSweep, loadPlan, submitSweep, sweepStatus } from "@loom/sweep";
import { defineCommand } from "../cli/define-command.js";
import { UsageError } from "../cli/exit-error.js";
import { renderSweepStatus } from "../render/sweep-status.js";
import { STORE_OPTION, storeUrl } from "../session/store-url.js";

export default defineCommand({
  name: "sweep",
  summary: "run a grid of sessions on workers: start one from a plan, show its status, cancel it",
  description: [
    "A plan (TOML) names briefs, generator configs, selector configs, seeds and repeats; every combination",
    "becomes a session in the PostgreSQL database and a job on its queue (pg-boss). `loom worker` processes,",
    "on any machine that reaches the database, run the jobs. Sweep sessions are ordinary sessions: read them",
    "with `loom show 'postgres://…#<session id>'`.",
  ].join("\n"),
  positionals: [
    { name: "what", description: "a plan file, or status / cancel", required: true },
    { name: "name", description: "the sweep (for status and cancel)" },
  ],
  options: STORE_OPTION,
  examples: [
    { command: "loom sweep plan.toml --store postgres://loom@db/loom", description: "Create the sessions and jobs." },
    { command: "loom sweep status selector-study", description: "Progress, counts by cell, failures, cost." },
    { command: "loom sweep cancel selector-study", description: "Queued sessions never start; running ones stop." },
  ],
  async run({ values, positionals, out, env, cwd }) {
    const url = storeUrl(values.store, env);
    const what = positionals.what!;
    if (what === "status") {
      const all = await sweepStatus(url, positionals.name);
      out.result(positionals.name === undefined ? all : all[0], () =>
        all.length === 0 ? "no sweeps in this database" : all.map(renderSweepStatus).join("\n\n"),
      );
      return;
    }
    if (what === "cancel") {
      if (positionals.name === undefined) throw new UsageError("sweep cancel needs the sweep's name");
      const r = await cancelSweep(url, positionals.name);
      out.result(
        { sweep: positionals.name, ...r },
        () =>
          `cancelled ${positionals.name}: ${r.cancelled} session(s) will not start; ${r.running} running stop after their current step`,
      );
      return;
    }
    const { resolve } = await import("node:path");
    const loaded = await loadPlan(resolve(cwd, what));
    const made = await submitSweep(url, loaded, (n, total) => out.progress(`creating sessions ${n}/${total}…`));
    out.done();
    out.result(made, () =>
      [
        `sweep ${made.name}: ${made.sessions} sessions in ${made.cells} cells, queued`,
        `start workers with: loom worker --store URL --concurrency N · follow with: loom sweep status ${made.name}`,
      ].join("\n"),
    );
  },
});
