// `loom demo` (placeholder until its packages land).
import { defineCommand } from "../cli/define-command.js";
import { FailureError } from "../cli/exit-error.js";

export default defineCommand({
  name: "demo",
  summary: "demo",
  options: {},
  examples: [{ command: "loom demo", description: "demo" }],
  async run() {
    throw new FailureError("not yet available");
  },
});
