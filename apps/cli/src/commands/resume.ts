// `loom resume`: continue a session; an undecided step's stored candidates are shown again, not paid for twice.
import { defineCommand } from "../cli/define-command.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
import { RUN_OPTIONS, runCommand } from "../session/run-command.js";

export default defineCommand({
  name: "resume",
  summary: "continue a session where it stopped",
  description:
    "Opens the session and runs the loop from its current tip, like `loom run`. Candidates generated before a\n" +
    "quit or a crash are re-presented rather than generated again. A session stopped at its tip says so;\n" +
    "--continue grows past the stop, --from NODE grows another branch, --max-tokens-total raises the budget.",
  positionals: [SESSION_POSITIONAL],
  options: RUN_OPTIONS,
  examples: [
    { command: "loom resume story", description: "Pick up where you quit." },
    {
      command: "loom resume --selector auto --max-steps 5",
      description: "The newest session, five more automatic steps.",
    },
    { command: "loom resume story --continue", description: "A stopped session: grow past the stop from its tip." },
  ],
  run: runCommand,
});
