// A brief written back as TOML (for `loom brief show` and editing) and one field of it changed by name.
import { BriefSchema, type Brief } from "@loom/core";
import { stringify } from "smol-toml";
import { BRIEF_TOML_KEYS } from "./brief-file.js";
import { IoError } from "./io-error.js";

const LIST_FIELDS = new Set<keyof Brief>(["leanInto", "avoid"]);

/** The brief as a TOML file that `parseBriefToml` reads back to the same brief (every field, snake_case keys). */
export function briefToToml(brief: Brief): string {
  const table: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(BRIEF_TOML_KEYS)) table[key] = brief[field];
  return `${stringify(table)}\n`;
}

/** The Brief field a name means: its TOML key (`lean_into`) or its own name (`leanInto`). */
export function briefFieldOf(name: string): keyof Brief {
  const byKey = (BRIEF_TOML_KEYS as Record<string, keyof Brief>)[name];
  if (byKey) return byKey;
  const byField = Object.values(BRIEF_TOML_KEYS).find((f) => f === name);
  if (byField) return byField;
  throw new IoError("bad_brief", `no brief field "${name}"`, {
    field: name,
    expected: `one of ${Object.keys(BRIEF_TOML_KEYS).join(", ")}`,
  });
}

/**
 * The brief with one field replaced. A list field (lean_into, avoid) takes a JSON array of strings, or
 * one plain string as a list of one; "" clears any field.
 */
export function briefWithField(brief: Brief, name: string, value: string): Brief {
  const field = briefFieldOf(name);
  if (!LIST_FIELDS.has(field)) return BriefSchema.parse({ ...brief, [field]: value });
  let list: unknown = value === "" ? [] : [value];
  if (value.trimStart().startsWith("[")) {
    try {
      list = JSON.parse(value);
    } catch {
      list = null;
    }
    if (!Array.isArray(list) || list.some((v) => typeof v !== "string")) {
      throw new IoError("bad_brief", `"${name}" takes a JSON array of strings or one string`, {
        field: name,
        expected: `e.g. '["Aliveness", "Images that think"]'`,
      });
    }
  }
  return BriefSchema.parse({ ...brief, [field]: list });
}
