// Test runner configuration: workspace packages resolve to their sources, so tests never need a build.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@loom\/generators\/test$/, replacement: src("./packages/generators/src/scripted/index.ts") },
      { find: /^@loom\/(core|io|generators|selectors)\/internal$/, replacement: src("./packages/$1/src/internal.ts") },
      { find: /^@loom\/testkit$/, replacement: src("./packages/testkit/src/index.ts") },
      { find: /^@loom\/server$/, replacement: src("./apps/server/src/index.ts") },
      {
        find: /^@loom\/(core|io|generators|selectors|orchestrator|analysis|store-postgres|sweep)$/,
        replacement: src("./packages/$1/src/index.ts"),
      },
    ],
  },
  test: {
    include: [
      "scripts/**/*.test.ts",
      "packages/*/src/**/*.test.ts",
      "apps/*/src/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
    ],
    // Generous: CLI and browser tests drive real processes, and on a loaded 2-core machine a 20-second test can take
    // three times as long. A timeout is not what these tests measure (speed is measured by bench/).
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: "forks",
  },
});
