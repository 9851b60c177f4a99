// Build of the loom binary: one ESM entry, each command in its own chunk (loaded only when it runs).
import { defineConfig } from "tsup";

export default defineConfig({
  entry: { bin: "src/bin.ts" },
  format: ["esm"],
  sourcemap: true,
  clean: true,
  splitting: true,
  target: "node20",
});
