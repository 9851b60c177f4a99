// Shared by the Tapestry import tests: a JSON weave fixture read with its u64 ids exact, and the check that a Loom
// holds that weave (every node under one of its parents, every path's text the bytes of that path).
import { type Loom, nodeText } from "@loom/core";
import { expect } from "vitest";
import { quoteBigIntegers } from "../big-int-json.js";
import { fixtureText, parentsOf } from "./foreign-fixtures.js";

// biome-ignore lint/suspicious/noExplicitAny: the weave is untyped JSON
export type Weave = any;

/** The fixture with its u64 ids exact (the test's own reading: ids are the object keys, which JSON keeps as text). */
export const weaveOf = (name: string): Weave => JSON.parse(quoteBigIntegers(fixtureText(name)));
const b64 = (s: string) => Buffer.from(s, "base64");

function bytesOf(n: Weave): Buffer {
  const c = n.contents.content;
  if (c === "MetadataOnly") return Buffer.alloc(0);
  if (c.Snippet !== undefined) return b64(c.Snippet);
  return Buffer.concat(c.Tokens.map((t: Weave) => b64(t.bytes)));
}

/** Every node under one of its parents, its text the bytes of its path decoded. */
export function expectSameWeave(loom: Loom, weave: Weave): void {
  const ids = Object.keys(weave.nodes);
  expect(Object.keys(loom.nodes).sort()).toEqual(ids.sort());
  const parents = parentsOf(loom);
  for (const id of ids) {
    const from = weave.nodes[id].from.map(String);
    if (from.length === 0) expect(parents[id]).toBeNull();
    else expect(from).toContain(parents[id]);
    const path: Buffer[] = [];
    for (let at: string | null = id; at !== null; at = parents[at]!) path.unshift(bytesOf(weave.nodes[at]));
    expect(nodeText(loom, id)).toBe(Buffer.concat(path).toString("utf8"));
  }
}
