// Factory shorthand for the scripted generator.
import { ScriptedGenerator, type ScriptedGeneratorOptions } from "./scripted-generator.js";

export function createScriptedGenerator(options: ScriptedGeneratorOptions = {}): ScriptedGenerator {
  return new ScriptedGenerator(options);
}
