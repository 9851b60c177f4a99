// Turns the first zod issue into an IoError that names the file, line, field and what was expected.
import type { z } from "zod";
import { IoError } from "./io-error.js";

/** `a.b[0].c` from a zod issue path, under an optional prefix. */
export function fieldPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || "(top level)";
}

export interface Where {
  file: string;
  line?: number;
  /** Prefix for field paths (e.g. "loom" inside a snapshot). */
  prefix?: string;
}

/** Parse `value` with `schema`, or throw an IoError naming where the first problem is and what was expected. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: Where, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fieldPath(issue.path, where.prefix ?? "");
  return ioFail(`${what} is invalid: ${issue.message}`, where, field, expectedOf(issue));
}

function ioFail(message: string, where: Where, field: string, expected: string): never {
  throw new IoError("invalid_field", message, {
    file: where.file,
    ...(where.line !== undefined ? { line: where.line } : {}),
    field,
    expected,
  });
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `a value of type ${issue.expected}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union":
      return 'one of the allowed shapes (check the discriminating field, e.g. "op" or "action")';
    case "too_small":
      return `at least ${String(issue.minimum)} ${issue.origin === "string" ? "characters" : issue.origin === "array" ? "items" : ""}`.trim();
    case "too_big":
      return `at most ${String(issue.maximum)}`;
    case "unrecognized_keys":
      return `no unknown keys (found ${issue.keys.join(", ")})`;
    default:
      return issue.message;
  }
}
