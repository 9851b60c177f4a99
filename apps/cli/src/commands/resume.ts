// `loom resume` (placeholder until its packages land).
import { defineCommand } from "../cli/define-command.js";
import { FailureError } from "../cli/exit-error.js";

export default defineCommand({
  name: "resume",
  summary: "resume",
  options: {},
  examples: [{ command: "loom resume", description: "resume" }],
  async run() {
    throw new FailureError("not yet available");
  },
});
