// Every recorded response names its source: each fixture file is listed in its folder's SOURCES.md.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

const folders = [new URL("./", import.meta.url), new URL("../../../selectors/src/__fixtures__/", import.meta.url)];

describe("fixture sources", () => {
  it.each(folders.map((f) => [f.pathname.split("/packages/")[1]!, f] as const))("every fixture in %s is listed in SOURCES.md", (_name, folder) => {
    const sources = readFileSync(new URL("SOURCES.md", folder), "utf8");
    const fixtures = readdirSync(folder).filter((f) => /\.(json|txt)$/.test(f));
    expect(fixtures.length).toBeGreaterThan(0);
    expect(fixtures.filter((f) => !sources.includes(`\`${f}\``))).toEqual([]);
  });
});
