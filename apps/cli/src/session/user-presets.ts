// Where a user's presets file lives (the config directory) and how a preset name on the command line is found.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { BUILT_IN_PRESETS, findPreset, type GenerationPreset } from "@loom/core";
import { readPresetsFile } from "@loom/io";
import { UsageError } from "../cli/exit-error.js";

/** The user's config directory: $LOOM_CONFIG_DIR, else $XDG_CONFIG_HOME/loom, else ~/.config/loom. */
export function configDirOf(env: NodeJS.ProcessEnv): string {
  if (env.LOOM_CONFIG_DIR) return resolve(env.LOOM_CONFIG_DIR);
  const base = env.XDG_CONFIG_HOME ? resolve(env.XDG_CONFIG_HOME) : join(homedir(), ".config");
  return join(base, "loom");
}

/** presets.toml in the config directory. */
export const presetsFileOf = (env: NodeJS.ProcessEnv): string => join(configDirOf(env), "presets.toml");

/** prices.toml in the config directory: US$ per million tokens by "provider:model" (cost estimates and usage). */
export const pricesFileOf = (env: NodeJS.ProcessEnv): string => join(configDirOf(env), "prices.toml");

export const loadUserPresets = (env: NodeJS.ProcessEnv) => readPresetsFile(presetsFileOf(env));

export interface PresetSources {
  session?: Record<string, GenerationPreset>;
  user?: Record<string, GenerationPreset>;
}

/** The preset `name` names (built-in, the session's, the user's), or a usage error listing the names there are. */
export function presetNamed(name: string, sources: PresetSources): GenerationPreset {
  const found = findPreset(name, sources);
  if (found) return found.preset;
  const names = [
    ...Object.keys(BUILT_IN_PRESETS),
    ...Object.keys(sources.session ?? {}),
    ...Object.keys(sources.user ?? {}),
  ];
  throw new UsageError(
    `no preset "${name}" (there are: ${names.join(", ")})`,
    "`loom preset list` shows them; `loom preset save NAME SESSION` keeps a session's settings as one",
  );
}
