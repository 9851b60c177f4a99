// Packed tokens on disk come back bit for bit, texts that UTF-8 cannot carry fall back to plain tokens, and a packed string that does not hold together is refused.
import { TokenList, type Token } from "@loom/core";
import { describe, expect, it } from "vitest";
import { packTokens, unpackTokens } from "./token-codec.js";

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

describe("packed tokens", () => {
  it("come back exactly, every double bit for bit", () => {
    const packed = packTokens(TokenList.from(tokens))!;
    expect(packed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const back = unpackTokens(packed)!;
    expect(back.toArray()).toStrictEqual(tokens);
    expect(Object.is(back.toArray()[1]!.logprob, -0)).toBe(true);
    expect(unpackTokens(packTokens(TokenList.from([]))!)!.toArray()).toEqual([]);
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
    expect(unpackTokens("not base64!")).toBeNull();
    expect(unpackTokens(good.slice(0, -4))).toBeNull(); // cut short
    expect(unpackTokens(variant((b) => ((b[0] = 3), b)))).toBeNull(); // more tokens than the data holds
    expect(unpackTokens(variant((b) => Buffer.concat([b, Buffer.alloc(8)])))).toBeNull(); // a number too many
    expect(unpackTokens(variant((b) => (b.writeDoubleLE(Number.NaN, b.length - 8), b)))).toBeNull(); // not finite
    expect(unpackTokens(variant((b) => ((b[2] = 9), b)))).toBeNull(); // impossible flags
  });
});
