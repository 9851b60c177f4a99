// Named sets of generation settings: the built-in presets, a user's own (from a presets file) and a session's, looked up by name.
import { z } from "zod";
import {
  PRESET_FIELDS,
  SAMPLING_PRESETS,
  type GenerationPreset,
  type GeneratorConfig,
  type SessionConfig,
} from "./session-config.js";

export { GenerationPresetSchema, PRESET_FIELDS, type GenerationPreset } from "./session-config.js";

/** A preset name: what a TOML table or a flag can carry plainly. */
export const PresetNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, "a preset name is letters, digits, - and _ (at most 64)");

export const BUILT_IN_PRESETS: Record<string, GenerationPreset> = SAMPLING_PRESETS;

/** Where a preset was found. Built-ins are looked up first: their names cannot be taken. */
export type PresetSource = "built-in" | "session" | "user";

export function findPreset(
  name: string,
  sources: { session?: Record<string, GenerationPreset>; user?: Record<string, GenerationPreset> },
): { preset: GenerationPreset; from: PresetSource } | null {
  if (Object.hasOwn(BUILT_IN_PRESETS, name)) return { preset: BUILT_IN_PRESETS[name]!, from: "built-in" };
  if (sources.session && Object.hasOwn(sources.session, name))
    return { preset: sources.session[name]!, from: "session" };
  if (sources.user && Object.hasOwn(sources.user, name)) return { preset: sources.user[name]!, from: "user" };
  return null;
}

/** The session's current settings as a preset (to save under a name). */
export function presetOf(generator: GeneratorConfig): GenerationPreset {
  return Object.fromEntries(PRESET_FIELDS.map((k) => [k, structuredClone(generator[k])])) as GenerationPreset;
}

/** The config with the preset's settings on top of its generator settings. */
export function applyPreset(config: SessionConfig, preset: GenerationPreset): SessionConfig {
  return { ...config, generator: { ...config.generator, ...structuredClone(preset) } };
}
