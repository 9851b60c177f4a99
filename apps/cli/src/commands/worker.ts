// `loom worker`: run sweep jobs from the PostgreSQL database until stopped (Ctrl-C / SIGTERM) or, with --exit-when-idle, until none are left.
import { runWorker } from "@loom/sweep";
import { defineCommand } from "../cli/define-command.js";
import { STORE_OPTION, storeUrl } from "../session/store-url.js";

export default defineCommand({
  name: "worker",
  summary: "run sweep sessions from the database's queue (any number of workers, on any machine)",
  description: [
    "Takes jobs of every sweep in the database and runs each session with its own generator and selector,",
    "within the provider limits the plan sets (shared by every worker through the database). Stopping a",
    "worker (or losing its machine) loses nothing: its sessions are retried elsewhere and resume where they",
    "stopped, reusing the candidates already saved.",
  ].join("\n"),
  options: {
    ...STORE_OPTION,
    concurrency: { type: "number", integer: true, min: 1, max: 64, default: 1, description: "sessions at once" },
    "exit-when-idle": { type: "boolean", description: "stop once no session of any sweep is queued or running" },
    "lost-after": {
      type: "number",
      min: 1,
      default: 30,
      valueName: "SECONDS",
      description: "hand back another worker's session after this long without its heartbeat",
    },
  },
  examples: [
    { command: "loom worker --store postgres://loom@db/loom --concurrency 8", description: "Eight sessions at once." },
  ],
  async run({ values, out, env, signal }) {
    const summary = await runWorker({
      url: storeUrl(values.store, env),
      concurrency: values.concurrency,
      env,
      signal,
      exitWhenIdle: values["exit-when-idle"],
      lostAfterSeconds: values["lost-after"],
      log: (line) => out.info(line),
    });
    out.result(summary, () => `worker stopped: ${summary.done} session(s) finished, ${summary.failed} failed`);
  },
});
