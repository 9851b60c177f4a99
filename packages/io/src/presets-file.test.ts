// The presets file: read, refused by file, preset and field, written and read back.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePresetsToml, readPresetsFile, writePresetsFile } from "./presets-file.js";

describe("presets file", () => {
  it("reads one table per preset, refuses unknown keys and bad values by preset and field", () => {
    const text = '[dreamy]\ntemperature = 1.2\ntopK = 40\nstop = ["\\n\\n"]\n\n[tight]\nbranchingFactor = 3\n';
    expect(parsePresetsToml(text, "p.toml")).toEqual({
      dreamy: { temperature: 1.2, topK: 40, stop: ["\n\n"] },
      tight: { branchingFactor: 3 },
    });
    expect(() => parsePresetsToml("[x]\nmodel = 'gpt'\n", "p.toml")).toThrow(/p\.toml.*x\.model/s);
    expect(() => parsePresetsToml("[x]\ntemperature = 9\n", "p.toml")).toThrow(/x\.temperature/);
    expect(() => parsePresetsToml("[x\n", "p.toml")).toThrow(/not valid TOML/);
  });

  it("writes every preset and reads them back; a missing file has none", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "loom-presets-")), "presets.toml");
    expect(await readPresetsFile(file)).toEqual({});
    const presets = { night: { temperature: 0.7, logitBias: { "13": -100 } }, wide: { branchingFactor: 12 } };
    await writePresetsFile(file, presets);
    expect(await readPresetsFile(file)).toEqual(presets);
  });
});
