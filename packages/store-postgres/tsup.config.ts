import { defineConfig } from "tsup";
import { libraryBuild } from "../../tsup.base";

// shims: the CJS build finds the shipped migrations through import.meta.url too.
export default defineConfig({ ...libraryBuild({ index: "src/index.ts" }), shims: true });
