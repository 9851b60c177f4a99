// `loom divergences`: decisions whose chosen candidate the base model liked much less than its favourite.
import { divergences, decisionRows } from "@loom/core";
import { defineCommand } from "../cli/define-command.js";
import { THRESHOLD_OPTION } from "../cli/threshold-option.js";
import { decisionsJson, renderDecisions } from "../render/decisions.js";
import { readLoom } from "../session/read-loom.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";

export default defineCommand({
  name: "divergences",
  summary: "decisions that went against the base model",
  description:
    "A divergence is a decision whose logprobGap (chosen − best candidate's logprob) is below the threshold.",
  positionals: [SESSION_POSITIONAL],
  options: {
    threshold: THRESHOLD_OPTION,
  },
  examples: [
    { command: "loom divergences story", description: "Choices at least one nat below the model's favourite." },
    { command: "loom divergences story --threshold -3 --json", description: "Strong divergences only, as JSON." },
  ],
  async run({ values, positionals, env, cwd, out }) {
    const { loom } = await readLoom({ positionals, env, cwd, out });
    const rows = decisionRows(loom, divergences(loom, values.threshold));
    out.result({ sessionId: loom.sessionId, threshold: values.threshold, decisions: decisionsJson(rows) }, () =>
      renderDecisions(rows, out.colors, `no decision with a logprob gap below ${values.threshold} (or no logprobs)`),
    );
  },
});
