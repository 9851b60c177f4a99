// Every workspace package.json in one shape: fields in one order, dependency lists sorted, and every @loom/*
// dependency on the same `workspace:*` range (pnpm rewrites it to the exact version when packing).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const FIELD_ORDER = [
  "name",
  "version",
  "private",
  "description",
  "license",
  "type",
  "sideEffects",
  "packageManager",
  "engines",
  "main",
  "module",
  "types",
  "bin",
  "exports",
  "files",
  "repository",
  "publishConfig",
  "scripts",
  "dependencies",
  "peerDependencies",
  "peerDependenciesMeta",
  "optionalDependencies",
  "devDependencies",
];
const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"];

const manifests = [
  "package.json",
  ...["packages", "apps"].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => `${group}/${name}/package.json`)
      .filter((p) => existsSync(join(root, p))),
  ),
];

describe.each(manifests)("%s", (path) => {
  const text = readFileSync(join(root, path), "utf8");
  const manifest = JSON.parse(text) as Record<string, unknown>;

  it("lists its fields in the workspace's order", () => {
    const keys = Object.keys(manifest);
    expect(
      keys.filter((k) => !FIELD_ORDER.includes(k)),
      "fields the order does not know",
    ).toEqual([]);
    expect(keys).toEqual([...keys].sort((a, b) => FIELD_ORDER.indexOf(a) - FIELD_ORDER.indexOf(b)));
  });

  it("sorts its dependency lists and depends on workspace packages as workspace:*", () => {
    for (const field of DEPENDENCY_FIELDS) {
      const deps = (manifest[field] ?? {}) as Record<string, string>;
      const names = Object.keys(deps);
      expect(names, `${path} ${field}`).toEqual([...names].sort());
      for (const [name, range] of Object.entries(deps))
        if (name.startsWith("@loom/") && field !== "peerDependencies")
          expect(range, `${path} ${field}.${name}`).toBe("workspace:*");
    }
  });

  it("is written as JSON.stringify(…, null, 2) writes it, with a final newline", () => {
    expect(text).toBe(`${JSON.stringify(manifest, null, 2)}\n`);
  });
});
