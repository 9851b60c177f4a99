// Reads a side-state file (state/<name>.json): validated, migrated, and damage told apart from a newer format.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { STATE_DIR, STATE_FORMAT, STATE_VERSION } from "./format-names.js";
import { IoError } from "./io-error.js";
import { parseJsonText } from "./parse-json.js";
import { migrate, type MigrationRegistry } from "./migrations.js";
import { parseOrThrow } from "./zod-issue.js";

const EXPECTED = "a state file {format, version, name, value}";

/** The value of the state file, null when there is none; IoError (naming the file) when it cannot be read or is not a state file. */
export async function readStateFile(file: string, migrations: MigrationRegistry | undefined): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw IoError.fromSystem(error, file, "read side state");
  }
  const raw = parseJsonText(text, file, EXPECTED);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new IoError("invalid_field", "is not a JSON object", { file, field: "(top level)", expected: EXPECTED });
  }
  const { record } = migrate("state", raw as Record<string, unknown>, { file }, migrations);
  // A file as this build writes it needs no schema (zod is not loaded by `loom stats` for it); anything
  // else meets the schema, which gives the same value or the precise error.
  const plain =
    record["format"] === STATE_FORMAT &&
    record["version"] === STATE_VERSION &&
    typeof record["name"] === "string" &&
    "value" in record;
  if (plain) return record["value"];
  const { StateFileSchema } = await import("./formats.js");
  return parseOrThrow(StateFileSchema, record, { file }, "the state file").value;
}

/** Damage (as opposed to a file from a newer Loom, which must be left alone): the file can be set aside and the state started afresh. */
export const isDamagedState = (error: unknown): error is IoError =>
  IoError.isInstance(error) && (error.code === "malformed_json" || error.code === "invalid_field");

/** What a side state name may be: it becomes a file name. */
export const STATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throw IoError unless `name` is a valid side state name (`where`: the state's place, for the message). */
export function assertStateName(name: string, where: string): void {
  if (!STATE_NAME.test(name)) {
    throw new IoError("invalid_field", `invalid state name "${name}"`, {
      file: where,
      field: "name",
      expected: "letters, digits, '.', '_' or '-', starting with a letter or digit",
    });
  }
}

/** The file of side state `name` in session `dir` (state/<name>.json); IoError for a name that could leave the directory. */
export function statePathOf(dir: string, name: string): string {
  assertStateName(name, join(dir, STATE_DIR));
  return join(dir, STATE_DIR, `${name}.json`);
}

/**
 * Side state `name` of session `dir`, read without opening the session (no lock, nothing renamed): as
 * Session.readState reads it, a damaged file is reported through `warn` and read as absent.
 */
export async function readSessionState<T>(
  dir: string,
  name: string,
  warn: (message: string) => void,
): Promise<T | null> {
  try {
    return (await readStateFile(statePathOf(dir, name), undefined)) as T | null;
  } catch (error) {
    if (!isDamagedState(error)) throw error;
    warn(`${error.message}: side state "${name}" is read as absent`);
    return null;
  }
}
