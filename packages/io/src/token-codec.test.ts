// Packed tokens on disk come back bit for bit, eagerly or lazily, texts that UTF-8 cannot carry fall back to plain tokens, and a packed string that does not hold together is refused.
import { TokenList, type Token } from "@loom/core";
import { seededRandom } from "@loom/core/internal";
import { describe, expect, it } from "vitest";
import { LazyTokenBytes, packTokens, recordWithPackedTokens, unpackTokens, unpackTokensLazy } from "./token-codec.js";

// Shapes generators produce (OpenAI-compatible: no id; the local engine: id, logprob, top; CLI-sim: text only)
// and hostile ones: empty texts, astral characters, quotes and newlines, -0, lengths past one varint byte.
const tokens: Token[] = [
  {
    text: " The",
    logprob: -0.25,
    top: [
      { text: " The", logprob: -0.25 },
      { text: " A", logprob: -1.7500000000000002 },
    ],
  },
  { text: "", id: 0, logprob: -0 },
  { text: "🕷️ web", id: 9_007_199_254_740_991, logprob: -1e-300, top: [] },
  { text: 'line\n"quoted"\\', top: [{ text: "", logprob: -3 }] },
  { text: " café—ß" },
  {
    text: "w".repeat(20_000),
    logprob: -1,
    top: Array.from({ length: 130 }, (_, i) => ({ text: "a".repeat(i), logprob: -i })),
  },
];

// The local engine's shape: ids on tokens and on their alternatives (flag 8), one alternative without one.
const withAltIds: Token[] = [
  {
    text: " Lily",
    id: 301,
    logprob: -0.5,
    top: [
      { text: " Lily", logprob: -0.5, id: 301 },
      { text: " Tom", logprob: -1.5, id: 0 },
      { text: " Ann", logprob: -2.5 },
    ],
  },
  { text: " ran", id: 7, logprob: -0.25, top: [{ text: " ran", logprob: -0.25, id: 7 }] },
];

// Read back eagerly and lazily (texts and numbers built when first read; ASCII data checked on the bytes).
describe.each([
  ["unpackTokens", unpackTokens],
  ["unpackTokensLazy", unpackTokensLazy],
])("packed tokens (%s)", (_name, unpack) => {
  it("come back exactly, every double bit for bit", () => {
    const packed = packTokens(TokenList.from(tokens))!;
    expect(packed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const back = unpack(packed)!;
    expect(back.length).toBe(tokens.length);
    expect(back.toArray()).toStrictEqual(tokens);
    expect(Object.is(back.toArray()[1]!.logprob, -0)).toBe(true);
    expect(unpack(packTokens(TokenList.from([]))!)!.toArray()).toEqual([]);
    // ASCII texts only (the lazy reader's byte-walking path), with ids on tokens and alternatives.
    for (const ascii of [
      withAltIds,
      [tokens[0]!, tokens[1]!, { text: " x", id: 7, top: [{ text: "", logprob: -2 }] }],
    ]) {
      const list = unpack(packTokens(TokenList.from(ascii))!)!;
      expect(list.length).toBe(ascii.length);
      expect(list.texts()).toEqual(ascii.map((t) => t.text));
      expect(list.toArray()).toStrictEqual(ascii);
      expect(list.toJSONText()).toBe(JSON.stringify(ascii));
    }
  });

  it("are written back as they were read", () => {
    const packed = packTokens(TokenList.from(withAltIds))!;
    const list = unpack(packed)!;
    expect(packTokens(list)).toBe(packed);
    expect(recordWithPackedTokens('{"id":"n1"', list)!.toString()).toBe(`{"id":"n1","tokens":"${packed}"}`);
    expect(list.toArray()).toStrictEqual(withAltIds);
    expect(packTokens(list)).toBe(packed);
  });

  it("are smaller than the JSON they replace for a realistic node (6 tokens, top-5)", () => {
    const realistic: Token[] = Array.from({ length: 6 }, (_, k) => ({
      text: ` word${k}`,
      id: 1000 + k,
      logprob: -0.123456789 * (k + 1),
      top: Array.from({ length: 5 }, (_, j) => ({ text: ` alt${j}`, logprob: -0.987654321 * (j + 1) })),
    }));
    expect(packTokens(TokenList.from(realistic))!.length).toBeLessThan(JSON.stringify(realistic).length / 2);
  });

  it("are not used for a text with a lone surrogate (UTF-8 cannot carry it): the caller writes plain tokens", () => {
    expect(packTokens(TokenList.from([{ text: "\ud83d" }]))).toBeNull();
    expect(packTokens(TokenList.from([{ text: "ok", top: [{ text: "x\udc00", logprob: -1 }] }]))).toBeNull();
  });

  it("refuse strings that do not hold together", () => {
    const good = packTokens(TokenList.from(tokens.slice(0, 2)))!;
    const bytes = Buffer.from(good, "base64");
    const variant = (f: (b: Buffer) => Buffer) => f(Buffer.from(bytes)).toString("base64");
    expect(unpack("not base64!")).toBeNull();
    expect(unpack(good.slice(0, -4))).toBeNull(); // cut short
    expect(unpack(variant((b) => ((b[0] = 3), b)))).toBeNull(); // more tokens than the data holds
    expect(unpack(variant((b) => Buffer.concat([b, Buffer.alloc(8)])))).toBeNull(); // a number too many
    expect(unpack(variant((b) => (b.writeDoubleLE(Number.NaN, b.length - 8), b)))).toBeNull(); // not finite
    expect(unpack(variant((b) => ((b[2] = 9), b)))).toBeNull(); // impossible flags (alternatives' ids without alternatives)
    expect(unpack(variant((b) => ((b[2] = 16), b)))).toBeNull(); // impossible flags (unknown bit)
    expect(unpack(variant((b) => ((b[3] = 40), b)))).toBeNull(); // a text longer than the data
    // The second token's id (after the first token's 3 numbers) is not an integer.
    expect(unpack(variant((b) => (b.writeDoubleLE(0.5, b.length - 16), b)))).toBeNull();
    const alt = Buffer.from(packTokens(TokenList.from(withAltIds))!, "base64");
    const altVariant = (at: number, v: number) => (alt.writeDoubleLE(v, alt.length - at), alt.toString("base64"));
    expect(unpack(altVariant(8, -2))).toBeNull(); // an alternative's id below -1
    expect(unpack(altVariant(8, 1.5))).toBeNull(); // an alternative's id that is not an integer
  });
});

describe("lazy and eager reads", () => {
  it("accept and refuse exactly the same strings, and read back the same tokens (2,000 damaged strings)", () => {
    const rand = seededRandom(9);
    const sources = [withAltIds, tokens.slice(0, 2), [{ text: " a" }, { text: " b", logprob: -1 }]];
    let accepted = 0;
    for (let i = 0; i < 2_000; i++) {
      const bytes = Buffer.from(packTokens(TokenList.from(sources[i % sources.length]!))!, "base64");
      // One to three bytes set to random values (or one cut off the end).
      if (i % 50 === 0) bytes[bytes.length - 1] = 0;
      const hits = 1 + Math.floor(rand() * 3);
      for (let h = 0; h < hits; h++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      const text = (i % 97 === 0 ? bytes.subarray(0, -1) : bytes).toString("base64");
      const eager = unpackTokens(text);
      const lazy = unpackTokensLazy(text);
      expect(lazy === null).toBe(eager === null);
      if (eager !== null) {
        accepted++;
        expect(lazy!.toArray()).toStrictEqual(eager.toArray());
      }
    }
    // Both outcomes were seen (a flipped byte inside a text or a logprob still holds together).
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(1_900);
  });
});

describe("lists read lazily into one frame's bytes", () => {
  it("each read back their own tokens, and are written back as the bytes they were read from", () => {
    const rand = seededRandom(4);
    const lists = Array.from({ length: 300 }, (_, i) =>
      Array.from({ length: 1 + (i % 7) }, () => ({
        text: ` w${Math.floor(rand() * 1000)}`,
        logprob: -rand() * 5,
        top: [{ text: " a", logprob: -rand() * 9 }],
      })),
    );
    const texts = lists.map((l) => packTokens(TokenList.from(l))!);
    const frame = new LazyTokenBytes();
    const lazy = texts.map((t) => unpackTokensLazy(t, frame)!);
    // Nothing reads a list before its frame is sealed; one that did would find no bytes and say so.
    expect(() => lazy[0]!.toArray()).toThrow(/damaged/);
    frame.seal();
    // The next frame's lists get bytes of their own.
    const next = unpackTokensLazy(texts[1]!, frame)!;
    frame.seal();
    expect(next.toArray()).toStrictEqual(lists[1]);
    // Unread lists are written back byte for byte from the shared bytes, in any order.
    for (let i = lazy.length - 1; i >= 0; i -= 2) expect(packTokens(lazy[i]!)).toBe(texts[i]);
    for (let i = 0; i < lazy.length; i++) expect(lazy[i]!.toArray()).toStrictEqual(lists[i]);
  });
});
