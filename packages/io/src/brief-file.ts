// Brief files: TOML (snake_case keys mapped to Brief fields, unknown keys rejected) or Markdown/plain text (all notes).
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { BriefSchema, type Brief } from "@loom/core";
import { parse as parseToml, TomlError } from "smol-toml";
import { IoError } from "./io-error.js";

/** TOML key → Brief field. The TOML side is snake_case, like the seed's brief files. */
export const BRIEF_TOML_KEYS = {
  title: "title",
  domain: "domain",
  voice: "voice",
  register: "register",
  length_hint: "lengthHint",
  lean_into: "leanInto",
  avoid: "avoid",
  notes: "notes",
  fewshot_examples: "fewshotExamples",
  section_intent: "sectionIntent",
  rough_draft: "roughDraft",
} as const satisfies Record<string, keyof Brief>;

const LIST_FIELDS = new Set<keyof Brief>(["leanInto", "avoid"]);

export type BriefFormat = "toml" | "text";

/** Parse a brief from TOML text. `file` is only used in error messages. */
export function parseBriefToml(text: string, file = "<brief>"): Brief {
  let table: Record<string, unknown>;
  try {
    table = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      throw new IoError("bad_brief", `not valid TOML: ${error.message.split("\n")[0]}`, {
        file,
        line: error.line,
        field: `(column ${error.column})`,
        expected: "a TOML brief (key = value lines)",
      });
    }
    throw error;
  }
  const input: Record<string, unknown> = {};
  const known = Object.keys(BRIEF_TOML_KEYS).join(", ");
  for (const [key, value] of Object.entries(table)) {
    const field = (BRIEF_TOML_KEYS as Record<string, keyof Brief>)[key];
    if (!field) {
      throw new IoError("bad_brief", `unknown key "${key}"`, { file, field: key, expected: `one of ${known}` });
    }
    if (LIST_FIELDS.has(field)) {
      if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
        throw new IoError("bad_brief", `"${key}" must be a list of strings`, {
          file,
          field: key,
          expected: `an array of strings, e.g. ${key} = ["…", "…"]`,
        });
      }
    } else if (typeof value !== "string") {
      throw new IoError("bad_brief", `"${key}" must be a string`, {
        file,
        field: key,
        expected: 'a string (use """…""" for several lines)',
      });
    }
    input[field] = value;
  }
  return BriefSchema.parse(input);
}

/** A Markdown or plain-text brief: the whole file becomes `notes`, its first `# ` heading the `title`. */
export function parseBriefText(text: string): Brief {
  // A Markdown brief's first level-1 heading is its title (the whole text stays the notes).
  const heading = /^#[ \t]+(.+?)[ \t#]*$/m.exec(text)?.[1]?.trim();
  return BriefSchema.parse({ notes: text, ...(heading ? { title: heading } : {}) });
}

/** `.toml` files are structured briefs; anything else (`.md`, `.txt`, …) is free text. */
export function briefFormatOf(path: string): BriefFormat {
  return extname(path).toLowerCase() === ".toml" ? "toml" : "text";
}

/** Load a brief file, choosing the format by extension unless `format` is given. */
export async function loadBrief(path: string, options: { format?: BriefFormat } = {}): Promise<Brief> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing_file" : "io";
    throw new IoError(code, `cannot read the brief: ${(error as Error).message}`, { file: path, cause: error });
  }
  return (options.format ?? briefFormatOf(path)) === "toml" ? parseBriefToml(text, path) : parseBriefText(text);
}

/** Whether free text looks like a TOML brief (a known key assigned on its own line). */
export function looksLikeTomlBrief(text: string): boolean {
  const keys = Object.keys(BRIEF_TOML_KEYS).join("|");
  return new RegExp(`^\\s*(${keys})\\s*=`, "m").test(text);
}
