// The user's prices file: read as TOML, refused with the file, model and field named.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { parsePricesToml, readPricesFile } from "./prices-file.js";

let dir: string | null = null;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

it("reads one table per model and nothing from a missing file", async () => {
  dir = mkdtempSync(join(tmpdir(), "loom-prices-"));
  const file = join(dir, "prices.toml");
  expect(await readPricesFile(file)).toEqual({});
  writeFileSync(
    file,
    '["openai:davinci-002"]\ninputPerMTok = 2\noutputPerMTok = 2\n\n[gpt-x]\ninputPerMTok = 0.5\noutputPerMTok = 1.5\n',
  );
  expect(await readPricesFile(file)).toEqual({
    "openai:davinci-002": { inputPerMTok: 2, outputPerMTok: 2 },
    "gpt-x": { inputPerMTok: 0.5, outputPerMTok: 1.5 },
  });
});

it("names the file, the model and the field of a bad price", () => {
  expect(() => parsePricesToml('["openai:davinci-002"]\ninputPerMTok = -1\noutputPerMTok = 2\n', "p.toml")).toThrow(
    /p\.toml.*openai:davinci-002\.inputPerMTok|openai:davinci-002\.inputPerMTok.*p\.toml/s,
  );
  expect(() => parsePricesToml("[m]\ninputPerMTok = 1\noutputPerMTok = 1\ncurrency = 'EUR'\n", "p.toml")).toThrow(
    /m\.currency/,
  );
  expect(() => parsePricesToml("[m\n", "p.toml")).toThrow(/not valid TOML/);
});
