// A user's own generation presets: a TOML file (one table per preset) read with errors naming the file, preset and field, and written whole.
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { GenerationPresetSchema, PresetNameSchema, type GenerationPreset } from "@loom/core";
import { stringify as stringifyToml } from "smol-toml";
import { writeFileAtomic } from "./atomic-write.js";
import { IoError } from "./io-error.js";
import { parseTomlTable, readOptionalFile } from "./toml-file.js";

const EXPECTED = "one table per preset, e.g. [dreamy] with temperature = 1.1 and top-p style keys (topP, topK, minP…)";

/** The presets in a presets file's text; IoError naming the file, line or preset and field. */
export function parsePresetsToml(text: string, file = "<presets>"): Record<string, GenerationPreset> {
  const table = parseTomlTable(text, file, EXPECTED);
  const out: Record<string, GenerationPreset> = {};
  for (const [name, value] of Object.entries(table)) {
    const named = PresetNameSchema.safeParse(name);
    if (!named.success) throw new IoError("invalid_field", named.error.issues[0]!.message, { file, field: name });
    const parsed = GenerationPresetSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : issue.path.join(".");
      throw new IoError("invalid_field", issue.message, {
        file,
        field: `${name}${key ? `.${key}` : ""}`,
        expected: EXPECTED,
      });
    }
    out[name] = parsed.data as GenerationPreset;
  }
  return out;
}

/** The presets in `file`; none when it does not exist. */
export async function readPresetsFile(file: string): Promise<Record<string, GenerationPreset>> {
  const text = await readOptionalFile(file, "read presets");
  return text === null ? {} : parsePresetsToml(text, file);
}

/** Write every preset to `file` at once (temp file and rename: a crash leaves the old file or the new one). */
export async function writePresetsFile(file: string, presets: Record<string, GenerationPreset>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const header = "# Loom generation presets: one table per preset (loom preset save NAME SESSION writes here).\n\n";
  await writeFileAtomic(file, header + stringifyToml(presets));
}
