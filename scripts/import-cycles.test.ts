// No import cycle anywhere in the workspace's sources: not inside a package, and not between packages.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { importCycles, importGraph, sourceFiles } from "./import-graph.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function workspacePackages(base: string): Map<string, string> {
  const packages = new Map<string, string>();
  for (const group of ["packages", "apps"]) {
    let entries: string[] = [];
    try {
      entries = readdirSync(join(base, group));
    } catch {
      continue;
    }
    for (const entry of entries) {
      const dir = join(base, group, entry);
      try {
        packages.set((JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string }).name, dir);
      } catch {
        // Not a package.
      }
    }
  }
  return packages;
}

function cyclesUnder(base: string): string[][] {
  const packages = workspacePackages(base);
  const files = [...packages.values()].flatMap((dir) => sourceFiles(dir));
  return importCycles(importGraph(files, packages), base);
}

describe("import cycles", () => {
  const scratch = mkdtempSync(join(tmpdir(), "loom-cycles-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(scratch, path)), { recursive: true });
    writeFileSync(join(scratch, path), text);
  };

  it("finds a type-only cycle inside a package and a cycle through another package's entry point", () => {
    write(
      "packages/a/package.json",
      JSON.stringify({
        name: "@x/a",
        exports: { ".": { import: { types: "./dist/index.d.ts", default: "./dist/index.js" } } },
      }),
    );
    write("packages/a/src/index.ts", 'export { f } from "./f.js";\n');
    write(
      "packages/a/src/f.ts",
      'import type { G } from "./g.js";\nimport { b } from "@x/b";\nexport const f = (g: G) => b(g);\n',
    );
    write("packages/a/src/g.ts", 'import type { f } from "./f.js";\nexport type G = typeof f;\n');
    write("packages/b/package.json", JSON.stringify({ name: "@x/b", exports: { ".": "./dist/index.js" } }));
    write("packages/b/src/index.ts", 'export const b = async (x: unknown) => (await import("@x/a")).f(x as never);\n');
    write("packages/b/src/leaf.ts", "export const leaf = 1;\n");
    const cycles = cyclesUnder(scratch);
    expect(cycles).toContainEqual([
      "packages/a/src/f.ts",
      "packages/a/src/g.ts",
      "packages/a/src/index.ts",
      "packages/b/src/index.ts",
    ]);
    expect(cycles.flat()).not.toContain("packages/b/src/leaf.ts");
  });

  it("finds none in the workspace", () => {
    expect(cyclesUnder(root)).toEqual([]);
  });
});
