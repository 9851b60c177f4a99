import { defineConfig } from "tsup";
import { libraryBuild } from "../../tsup.base";

// import.meta.url locates dist/web from the CommonJS build too.
export default defineConfig({ ...libraryBuild({ index: "src/index.ts" }), shims: true });
