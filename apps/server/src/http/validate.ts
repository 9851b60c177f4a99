// Validating request bodies and queries with zod, turning the first issue into a 400 that names the field.
import type { z } from "zod";
import { HttpError } from "./http-error.js";

function fieldOf(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
    .join(".")
    .replace(/\.\[/g, "[");
}

/** Parse `value` with `schema`, or throw a 400 naming where (`body`/`query`) and which field is wrong. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: "body" | "query"): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => {
    // An unknown key is reported at its parent; name the key itself, which is what the client must fix.
    const path = i.code === "unrecognized_keys" ? [...i.path, i.keys[0] ?? ""] : i.path;
    return { field: fieldOf(path) || "(root)", message: i.message };
  });
  const first = issues[0]!;
  throw new HttpError(400, `invalid_${where}`, `${where} field "${first.field}": ${first.message}`, {
    field: first.field,
    issues,
  });
}
