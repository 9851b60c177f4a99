// The .tapestry weave as Tapestry Loom saves it today (format version 1): the fixtures written by
// scripts/write-tapestry-binary-fixtures.ts, each checked against the same weave in Tapestry's versioned JSON form.
import { readFileSync } from "node:fs";
import { currentText, type Loom } from "@loom/core";
import { describe, expect, it } from "vitest";
import { quoteBigIntegers } from "./big-int-json.js";
import { importBytes, importText, IoError } from "./index.js";
import type { Layout } from "./rkyv-layout.js";
import { tapestryWeaveInner } from "./tapestry-weave-layout.js";
import { expectSoundLoom, fixturePath, fixtureText } from "./test-support/foreign-fixtures.js";
import { expectSameWeave, type Weave } from "./test-support/tapestry-check.js";

const opts = { now: "2026-12-01T00:00:00.000Z", sessionId: "tapestry-v1-test" };
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));
const bytesOf = (name: string) => readFileSync(fixturePath(`${name}.tapestry`));
/** The weave inside the fixture's versioned JSON, its u64 ids exact. */
const weaveOf = (name: string): Weave => JSON.parse(quoteBigIntegers(fixtureText(`${name}.weave.json`))).data;

/** Every tokenised node's tokens: text, logprob (absent where the tool has none), id, alternatives most likely first. */
function expectTokens(loom: Loom, weave: Weave): number {
  let checked = 0;
  for (const [id, n] of Object.entries<Weave>(weave.nodes)) {
    const written = n.contents.content.Tokens as Weave[] | undefined;
    if (written === undefined) continue;
    const tokens = loom.nodes[id]!.tokens!.toArray();
    expect(tokens.map((t) => t.text)).toEqual(written.map((t) => Buffer.from(t.bytes, "base64").toString("utf8")));
    expect(tokens.map((t) => t.logprob ?? null)).toEqual(written.map((t) => t.logprob));
    expect(tokens.map((t) => t.id)).toEqual(written.map((t) => t.id ?? undefined));
    tokens.forEach((t, i) => {
      const alts = written[i].counterfactual.map((a: Weave) => a.logprob).sort((a: number, b: number) => b - a);
      expect((t.top ?? []).map((a) => a.logprob)).toEqual(alts);
    });
    const all = written.map((t) => t.logprob);
    expect(loom.nodes[id]!.stepLogprob).toBe(
      all.includes(null) ? null : all.reduce((a: number, b: number) => a + b, 0),
    );
    checked++;
  }
  return checked;
}

function refusal(bytes: Uint8Array, file = "story.tapestry"): IoError {
  try {
    importBytes(bytes, file, opts);
  } catch (error) {
    if (IoError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("the damaged file was read");
}

describe("Tapestry Loom's binary weave as it saves it today (format version 1)", () => {
  for (const [name, count] of [
    ["tapestry-v1-harbor", 10],
    ["tapestry-v1-large", 600],
  ] as const) {
    it(`reads ${name}.tapestry: node count, tree shape, every path's text and every token's probabilities`, () => {
      const weave = weaveOf(name);
      const bytes = bytesOf(name);
      expect(bytes.subarray(0, 24).toString("latin1")).toBe("VersionedTapestryWeave__");
      expect(bytes.readBigUInt64LE(24)).toBe(1n);
      const [r] = importBytes(bytes, `${name}.tapestry`, opts);
      expect(r!.format).toBe("tapestry-binary-v1");
      expectSoundLoom(r!.loom);
      expect(Object.keys(r!.loom.nodes)).toHaveLength(count);
      expectSameWeave(r!.loom, weave);
      expect(expectTokens(r!.loom, weave)).toBeGreaterThan(count / 2);
      // the active path and bookmarks are the weave's
      expect(r!.loom.currentPath).toHaveLength(weave.active.length);
      expect(r!.loom.currentPath).toEqual(expect.arrayContaining(weave.active.map(String)));
      expect([...r!.loom.bookmarks].sort()).toEqual(weave.bookmarked.map(String).sort());
      // the same weave in Tapestry's versioned JSON form gives the same nodes and path
      const [j] = importText(fixtureText(`${name}.weave.json`), `${name}.json`, opts);
      expect(j!.format).toBe("tapestry");
      expect(plain(r!.loom.nodes)).toEqual(plain(j!.loom.nodes));
      expect(r!.loom.currentPath).toEqual(j!.loom.currentPath);
      expect(plain(r!.loom.nodes[r!.loom.rootId]!.meta)).toEqual(plain(j!.loom.nodes[j!.loom.rootId]!.meta));
    });
  }

  it("keeps the format's corners: a split token's original, a token without logprob, authors, weave metadata", () => {
    const weave = weaveOf("tapestry-v1-harbor");
    const [r] = importBytes(bytesOf("tapestry-v1-harbor"), "harbor.tapestry", opts);
    const { loom, warnings } = r!;
    expect(loom.brief.title).toBe("Harbor");
    expect(currentText(loom)).toBe(
      `The harbor at dusk${Buffer.concat(loom.currentPath.slice(1, -1).map((id) => Buffer.from(loom.nodes[id]!.text))).toString()} and the bell rang.`,
    );
    const ids = Object.keys(weave.nodes);
    const find = (test: (n: Weave) => boolean) => ids.find((id) => test(weave.nodes[id]))!;
    // the node split inside " café": each side keeps OriginalToken::Known with its byte offset
    const left = find((n) => n.contents.content.Tokens?.[0]?.original?.Known?.offset === 0);
    const right = find((n) => n.contents.content.Tokens?.[0]?.original?.Known?.offset === 3);
    const original = (id: string) => (loom.nodes[id]!.meta.import as Weave).tapestry.original;
    expect(original(left)[0].Known).toMatchObject({ offset: 0, bytes: Buffer.from(" café").toString("base64") });
    expect(original(right)[0].Known.offset).toBe(3);
    expect(loom.nodes[right]!.parentId).toBe(left);
    expect(`${loom.nodes[left]!.text}${loom.nodes[right]!.text}`).toBe(" café quiet");
    // a token the model gave no logprob (NaN in the archive): no logprob, so no step logprob
    const noLogprob = find((n) => n.contents.content.Tokens?.some((t: Weave) => t.logprob === null));
    expect(loom.nodes[noLogprob]!.stepLogprob).toBeNull();
    // the model's details and a user's metadata are kept; the 128-bit model id exactly
    const generated = find((n) => n.contents.creator.Model?.label === "Llama-3.1-8B");
    expect(loom.nodes[generated]!.meta).toMatchObject({ model: "Llama-3.1-8B", finishReason: "length" });
    const model = (loom.nodes[generated]!.meta.import as Weave).tapestry.creator.Model;
    expect(model).toMatchObject({ system_fingerprint: "b4012-cpu", seed: 7, metadata: { backend: "llama.cpp" } });
    expect(model.identifier).toBe(String(0x0193_7b2a_41c0_7d11_8e2f_6a5b_4c3d_2e1fn));
    const shared = find((n) => n.from.length === 2);
    expect((loom.nodes[shared]!.meta.import as Weave).tapestry.creator.User.metadata).toEqual({ pronouns: "she/her" });
    // times: zones and sub-second instants
    const empty = find((n) => n.contents.content === "MetadataOnly");
    expect(loom.nodes[empty]!.createdAt).toBe("2025-06-01T14:06:00.250Z");
    expect(loom.nodes[loom.rootId]!.createdAt).toBe("2025-06-01T14:00:00.000Z");
    const file = (loom.nodes[loom.rootId]!.meta.import as Weave).tapestry.file.metadata;
    expect(file).toMatchObject({
      created: "2025-06-01T10:00:00-04:00[America/New_York]",
      metadata: { genre: "sea story" },
      aux_metadata: { "tapestry-loom.layout": [1, 2, 3, 250] },
    });
    expect(file.converted_from[0]).toMatchObject({
      source: "Tapestry Loom",
      timestamp: "2025-06-02T09:00:00+00:00[UTC]",
    });
    expect(warnings.join("\n")).toContain("1 node(s) have several parents");
  });

  const rootAt = (bytes: Buffer) => bytes.length - tapestryWeaveInner.size;
  /** A field's offset inside the root, by the layout the reader uses. */
  const offsetOf = (path: string[]) => {
    let layout: Layout = tapestryWeaveInner;
    let at = 0;
    for (const name of path) {
      const f = (layout as Layout & { kind: "struct" }).fields.find((x) => x.name === name)!;
      at += f.offset;
      layout = f.layout;
    }
    return at;
  };
  const damages: [string, (b: Buffer) => Buffer, RegExp][] = [
    [
      "a format version Loom does not read",
      (b) => {
        b.writeBigUInt64LE(7n, 24);
        return b;
      },
      /^\(header\) format version$/,
    ],
    ["a cut header", (b) => b.subarray(0, 30), /^\(header\)$/],
    ["a file cut in the middle of the archive", (b) => b.subarray(0, Math.floor(b.length / 2)), /\(byte \d+\)$/],
    [
      "a node table that claims more nodes than buckets",
      (b) => {
        b.writeUInt32LE(9999, rootAt(b) + 4);
        return b;
      },
      /^weave\.nodes \(byte \d+\)$/,
    ],
    [
      "a root list running past the end",
      (b) => {
        b.writeUInt32LE(1_000_000, rootAt(b) + 16);
        return b;
      },
      /^weave\.roots \(byte \d+\)$/,
    ],
    [
      "a weave title that is not UTF-8",
      (b) => {
        const at = b.lastIndexOf(Buffer.from("Harbor")); // inline in the root: strings of ≤ 8 bytes are
        b[at] = 0xc3;
        b[at + 1] = 0x28; // an invalid two-byte sequence
        return b;
      },
      /^weave\.metadata\.title \(byte \d+\)$/,
    ],
    [
      "an Option whose tag names no variant",
      (b) => {
        b[rootAt(b) + offsetOf(["metadata", "description"])] = 9;
        return b;
      },
      /^weave\.metadata\.description \(byte \d+\)$/,
    ],
  ];
  for (const [what, damage, field] of damages) {
    it(`refuses ${what}, naming the file and the field`, () => {
      const e = refusal(damage(Buffer.from(bytesOf("tapestry-v1-harbor"))));
      expect(e.file).toBe("story.tapestry");
      expect(e.field).toMatch(field);
      expect(e.message).toContain("story.tapestry");
    });
  }

  it("refuses a versioned JSON weave of a version it does not read, naming the field", () => {
    const text = fixtureText("tapestry-v1-harbor.weave.json").replace('"version": 1', '"version": 9');
    expect(() => importText(text, "v9.json", opts)).toThrow(/v9\.json \(field version\): is 9/);
  });
});
