// Shared by the import tests: the fixture folder, reading a fixture, and checks that an imported loom is a sound Loom.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { findInvariantViolations, LoomSchema, type Loom } from "@loom/core";
import { expect } from "vitest";

export const foreignDir = fileURLToPath(new URL("../__fixtures__/foreign/", import.meta.url));
export const fixturePath = (name: string) => `${foreignDir}${name}`;
export const fixtureText = (name: string) => readFileSync(fixturePath(name), "utf8");
// biome-ignore lint/suspicious/noExplicitAny: fixtures are read as the other tools' untyped JSON
export const fixtureJson = (name: string): any => JSON.parse(fixtureText(name));

/** The loom passes Loom's own schema and invariants (what createSession and every reader rely on). */
export function expectSoundLoom(loom: Loom): void {
  expect(findInvariantViolations(loom)).toEqual([]);
  expect(LoomSchema.safeParse(JSON.parse(JSON.stringify(loom))).success).toBe(true);
}

/** Each node's parent in the loom, by id. */
export const parentsOf = (loom: Loom) =>
  Object.fromEntries(Object.values(loom.nodes).map((n) => [n.id, n.parentId] as const));
