// `loom serve` (placeholder until its packages land).
import { defineCommand } from "../cli/define-command.js";
import { FailureError } from "../cli/exit-error.js";

export default defineCommand({
  name: "serve",
  summary: "serve",
  options: {},
  examples: [{ command: "loom serve", description: "serve" }],
  async run() {
    throw new FailureError("not yet available");
  },
});
