// The READMEs' per-service table is the one the presets produce: change a preset and this fails until `pnpm run service-table` is run.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OPENAI_COMPATIBLE_PRESETS } from "./openai-compatible/openai-compatible-presets.js";
import { renderServiceTable, serviceTable } from "./service-table.js";

const readme = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");

describe("the per-service table", () => {
  it.each(["README.md", "packages/generators/README.md"])("%s holds the table the presets produce", (path) => {
    expect(readme(path)).toContain(renderServiceTable());
  });

  it("has a row for every preset, taken from its fields", () => {
    const rows = serviceTable();
    for (const [name, preset] of Object.entries(OPENAI_COMPATIBLE_PRESETS)) {
      const row = rows.find((r) => r.provider === `\`${name}\``)!;
      expect(row.n).toBe(preset.nativeN ? "native" : "one request per candidate");
      expect(row.logprobs.startsWith(preset.maxLogprobs > 0 ? `up to ${preset.maxLogprobs} ` : "none")).toBe(true);
    }
  });
});
