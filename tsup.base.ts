// The build every published library package shares: ESM and CJS with .d.ts and source maps, for Node 20.
import type { Options } from "tsup";

export function libraryBuild(entry: Record<string, string>): Options {
  return { entry, format: ["esm", "cjs"], dts: true, sourcemap: true, clean: true, target: "node20" };
}
