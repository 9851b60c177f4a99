// A user's model prices: a TOML file (one table per "provider:model") read with errors naming the file, model and field.
import { PriceTableSchema, type PriceTable } from "@loom/core";
import { IoError } from "./io-error.js";
import { parseTomlTable, readOptionalFile } from "./toml-file.js";

const EXPECTED =
  'one table per model, e.g. ["openai:davinci-002"] with inputPerMTok = 2 and outputPerMTok = 2 (US$ per million tokens)';

/** The prices in a prices file's text; IoError naming the file, line or model and field. */
export function parsePricesToml(text: string, file = "<prices>"): PriceTable {
  const parsed = PriceTableSchema.safeParse(parseTomlTable(text, file, EXPECTED));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = issue.code === "unrecognized_keys" ? [...issue.path, issue.keys.join(", ")] : issue.path;
  throw new IoError("invalid_field", issue.message, { file, field: key.join("."), expected: EXPECTED });
}

/** The prices in `file`; none when it does not exist. */
export async function readPricesFile(file: string): Promise<PriceTable> {
  const text = await readOptionalFile(file, "read prices");
  return text === null ? {} : parsePricesToml(text, file);
}
