// `loom run` (placeholder until its packages land).
import { defineCommand } from "../cli/define-command.js";
import { FailureError } from "../cli/exit-error.js";

export default defineCommand({
  name: "run",
  summary: "run",
  options: {},
  examples: [{ command: "loom run", description: "run" }],
  async run() {
    throw new FailureError("not yet available");
  },
});
