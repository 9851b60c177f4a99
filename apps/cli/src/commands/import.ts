// `loom import` (placeholder until its packages land).
import { defineCommand } from "../cli/define-command.js";
import { FailureError } from "../cli/exit-error.js";

export default defineCommand({
  name: "import",
  summary: "import",
  options: {},
  examples: [{ command: "loom import", description: "import" }],
  async run() {
    throw new FailureError("not yet available");
  },
});
