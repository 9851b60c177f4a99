// `loom decisions`: the last N decisions, with who chose, the logprob gap and the reason (--scores: each candidate's rank and scores).
import { readSessionView } from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { decisionsJson, renderDecisions } from "../render/decisions.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
import { resolveSessionDir } from "../session/session-dir.js";

export default defineCommand({
  name: "decisions",
  summary: "list the last decisions with reasons and logprob gaps",
  positionals: [SESSION_POSITIONAL],
  options: {
    last: {
      type: "number",
      integer: true,
      min: 1,
      default: 10,
      valueName: "N",
      description: "how many of the most recent decisions",
    },
    scores: {
      type: "boolean",
      description: "show each candidate's rank and scores as the selector gave them (reads the whole session)",
    },
  },
  examples: [
    { command: "loom decisions story", description: "The ten most recent decisions." },
    {
      command: "loom decisions story --last 50 --json",
      description: "Fifty, as JSON records (the DecisionEvent format).",
    },
    { command: "loom decisions story --scores", description: "With the selector's ranking and scores per candidate." },
  ],
  async run({ values, positionals, env, cwd, out }) {
    const dir = resolveSessionDir(positionals.session, env, cwd);
    if (values.scores) {
      // Loaded only here: the whole-session reader brings zod's schemas, which the plain listing never needs.
      const { printDecisionsWithScores } = await import("../render/decisions-with-scores.js");
      return printDecisionsWithScores(dir, values.last, out);
    }
    // Read from the digest kept with the snapshot: the latest decisions without loading the loom.
    const view = await readSessionView(dir, { decisions: values.last });
    for (const w of view.warnings) out.warn(w);
    out.result({ sessionId: view.sessionId, decisions: decisionsJson(view.decisions) }, () =>
      renderDecisions(view.decisions, out.colors, "no decisions yet"),
    );
  },
});
