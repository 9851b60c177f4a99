import { defineConfig } from "tsup";
import { libraryBuild } from "../../tsup.base";

// The session-reading worker is a script of its own beside the index (facts-pool.ts finds it through
// import.meta.url, which the shims give the CommonJS build too).
export default defineConfig({
  ...libraryBuild({ index: "src/index.ts", "session-worker": "src/session-worker.ts" }),
  shims: true,
});
