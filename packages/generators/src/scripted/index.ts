// @loom/generators/test: a deterministic scripted generator for Loom's tests and for users' own tests.
export { ScriptedGenerator } from "./scripted-generator.js";
export type { ScriptStep, ScriptedCandidate, ScriptedGeneratorOptions } from "./scripted-generator.js";
