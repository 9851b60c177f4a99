// `loom export` (placeholder until its packages land).
import { defineCommand } from "../cli/define-command.js";
import { FailureError } from "../cli/exit-error.js";

export default defineCommand({
  name: "export",
  summary: "export",
  options: {},
  examples: [{ command: "loom export", description: "export" }],
  async run() {
    throw new FailureError("not yet available");
  },
});
