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
      { find: /^@loom\/(core|io|generators|selectors|orchestrator)$/, replacement: src("./packages/$1/src/index.ts") },
    ],
  },
  test: {
    include: [
      "scripts/**/*.test.ts",
      "packages/*/src/**/*.test.ts",
      "apps/*/src/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
