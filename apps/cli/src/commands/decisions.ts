// `loom decisions`: the last N decisions, with who chose, the logprob gap and the reason.
import { lastDecisions } from "@loom/core";
import { defineCommand } from "../cli/define-command.js";
import { renderDecisions, withSteps } from "../render/decisions.js";
import { SESSION_POSITIONAL, readLoom } from "../session/read-loom.js";

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
  },
  examples: [
    { command: "loom decisions story", description: "The ten most recent decisions." },
    {
      command: "loom decisions story --last 50 --json",
      description: "Fifty, as JSON records (the DecisionEvent format).",
    },
  ],
  async run({ values, positionals, env, cwd, out }) {
    const { loom } = await readLoom({ positionals, env, cwd, out });
    const decisions = lastDecisions(loom, values.last);
    out.result({ sessionId: loom.sessionId, decisions: withSteps(loom, decisions) }, () =>
      renderDecisions(loom, decisions, out.colors, "no decisions yet"),
    );
  },
});
