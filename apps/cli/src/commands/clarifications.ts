// `loom clarifications`: every question a selector asked the human, with the answer when there is one.
import { clarifications, decisionRows } from "@loom/core";
import { defineCommand } from "../cli/define-command.js";
import { decisionsJson, renderDecisions } from "../render/decisions.js";
import { readLoom } from "../session/read-loom.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";

export default defineCommand({
  name: "clarifications",
  summary: "questions the selector asked, and the answers",
  positionals: [SESSION_POSITIONAL],
  options: {},
  examples: [
    { command: "loom clarifications story", description: "Each question, what hinged on it, and the answer." },
    { command: "loom clarifications story --json", description: "The same as JSON decision records." },
  ],
  async run({ positionals, env, cwd, out }) {
    const { loom } = await readLoom({ positionals, env, cwd, out });
    const rows = decisionRows(loom, clarifications(loom));
    out.result({ sessionId: loom.sessionId, clarifications: decisionsJson(rows) }, () =>
      renderDecisions(rows, out.colors, "no clarification questions were asked"),
    );
  },
});
