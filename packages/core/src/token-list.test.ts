// TokenList gives back exactly the tokens packed into it, and nodes hold their tokens packed whichever way they were made.
import { describe, expect, it } from "vitest";
import { createLoom } from "./loom.js";
import { NodeSchema, type Token } from "./node.js";
import { addCandidates } from "./op-builders.js";
import { parseNodeFast } from "./fast-parse.js";
import { TokenList, TokenListBuilder } from "./token-list.js";

// Shapes the generators produce: OpenAI-compatible servers (id-less, logprob, top), the local engine
// (id, logprob, top), CLI-sim style text-only tokens, and hostile texts (empty, astral, newlines, quotes).
const tokens: Token[] = [
  {
    text: " The",
    logprob: -0.25,
    top: [
      { text: " The", logprob: -0.25 },
      { text: " A", logprob: -1.75 },
    ],
  },
  { text: "", id: 0, logprob: -0 },
  { text: "🕷️ web", id: 9_007_199_254_740_991, logprob: -12.5, top: [] },
  { text: 'line\n"quoted"\\', top: [{ text: "", logprob: -3 }] },
  { text: " plain" },
  { text: "é", id: 42 },
  // The local engine's alternatives carry their token ids; one without an id beside them stays without.
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
  // Lengths and counts past one varint character (128) and two (16,384).
  {
    text: "w".repeat(20_000),
    logprob: -1,
    top: Array.from({ length: 130 }, (_, i) => ({ text: "a".repeat(i * 2), logprob: -i })),
  },
];

describe("TokenList", () => {
  it("gives back every token with exactly the keys it had, in schema order", () => {
    const list = TokenList.from(tokens);
    expect(list.length).toBe(tokens.length);
    expect(list.toArray()).toStrictEqual(tokens);
    expect(JSON.stringify(list)).toBe(JSON.stringify(tokens));
    expect(list.toJSONText()).toBe(JSON.stringify(tokens));
    expect([...list]).toStrictEqual(tokens);
    expect(list.at(-1)).toStrictEqual(tokens[7]);
    expect(list.at(8)).toBeUndefined();
    expect(list.texts()).toStrictEqual(tokens.map((t) => t.text));
    expect(TokenList.from([]).toArray()).toStrictEqual([]);
  });

  it("keeps key order canonical whatever order the input had", () => {
    const list = TokenList.from([{ top: [{ logprob: -1, text: "b" }], logprob: -2, id: 3, text: "a" } as Token]);
    expect(JSON.stringify(list)).toBe('[{"text":"a","id":3,"logprob":-2,"top":[{"text":"b","logprob":-1}]}]');
  });

  it("is what a node holds, through the fast path, zod and addCandidates alike", () => {
    const raw = { id: "n1", parentId: "n0", text: " The", tokens, createdAt: "2026-01-01T00:00:00.000Z" };
    const fast = parseNodeFast(structuredClone(raw))!;
    const slow = NodeSchema.parse(structuredClone(raw));
    for (const node of [fast, slow]) {
      expect(TokenList.is(node.tokens)).toBe(true);
      expect(node.tokens!.toArray()).toStrictEqual(tokens);
    }
    // A packed node parses again to the same tokens (zod re-checks them; the fast path reuses them).
    expect(NodeSchema.parse(slow).tokens!.toArray()).toStrictEqual(tokens);
    expect(parseNodeFast(fast)).toBe(fast);
    const loom = createLoom({ seed: "s" });
    const added = addCandidates(loom, loom.rootId, [{ text: " The", tokens }]);
    const node = loom.nodes[added.nodeIds[0]!]!;
    expect(TokenList.is(node.tokens)).toBe(true);
    expect(JSON.stringify(JSON.parse(JSON.stringify(node)).tokens)).toBe(JSON.stringify(tokens));
  });

  it("rejects broken tokens with zod's precise path, not a vague union error", () => {
    const result = NodeSchema.safeParse({
      id: "n1",
      parentId: null,
      text: "x",
      tokens: [{ text: "x", top: [{ text: "y", logprob: "high" }] }],
      createdAt: "t",
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toStrictEqual(["tokens", 0, "top", 0, "logprob"]);
  });
});

describe("TokenList.lazy", () => {
  it("decodes its parts once, when first read, and refuses parts that do not hold together", () => {
    const { length, data, nums } = TokenList.from(tokens).packed();
    let loads = 0;
    const decode = (source: { data: string; nums: readonly number[] }) => {
      loads++;
      return { data: source.data, nums: [...source.nums] };
    };
    const source = { data, nums };
    const list = TokenList.lazy(length, source, decode);
    expect(list.length).toBe(tokens.length);
    expect(list.lazySource(decode)).toStrictEqual({ source, at: 0 });
    expect(list.lazySource(() => null)).toBeUndefined();
    expect(loads).toBe(0);
    expect(list.toArray()).toStrictEqual(tokens);
    expect(list.texts()).toEqual(tokens.map((t) => t.text));
    expect(JSON.stringify(list)).toBe(JSON.stringify(tokens));
    expect(loads).toBe(1);
    expect(list.lazySource(decode)).toBeUndefined();
    const broken = TokenList.lazy(length, { data, nums: nums.slice(1) }, decode);
    expect(broken.length).toBe(tokens.length);
    expect(() => broken.toArray()).toThrow(/damaged/);
    expect(() => TokenList.lazy(1, null, () => null).texts()).toThrow(/damaged/);
  });

  it("reads each of the lists that share one source at its own position", () => {
    const a = TokenList.from(tokens).packed();
    const b = TokenList.from(tokens.slice(1)).packed();
    const shared = [a, b];
    const decode = (source: typeof shared, at: number) => ({ data: source[at]!.data, nums: [...source[at]!.nums] });
    const first = TokenList.lazy(a.length, shared, decode, 0);
    const second = TokenList.lazy(b.length, shared, decode, 1);
    expect(second.lazySource(decode)).toStrictEqual({ source: shared, at: 1 });
    expect(second.toArray()).toStrictEqual(tokens.slice(1));
    expect(first.toArray()).toStrictEqual(tokens);
  });
});

describe("TokenListBuilder", () => {
  /** The builder fed `list` token by token, alternatives in the order given. */
  const build = (list: readonly Token[]) => {
    const b = new TokenListBuilder();
    for (const t of list) {
      b.token(t.text, t.logprob, t.id);
      if (t.top !== undefined) b.withTop();
      for (const a of t.top ?? []) b.alternative(a.text, a.logprob, a.id);
    }
    return b;
  };

  it("packs exactly what TokenList.from packs, for every shape the generators produce", () => {
    const b = build(tokens);
    expect(b.length).toBe(tokens.length);
    const list = b.build();
    expect(list.packed()).toStrictEqual(TokenList.from(tokens).packed());
    expect(list.toArray()).toStrictEqual(tokens);
    // The packed parts hold together as a reader of a file checks them.
    const { length, data, nums } = list.packed();
    expect(TokenList.fromPacked(length, data, [...nums])?.toArray()).toStrictEqual(tokens);
  });

  it("keeps alternatives most likely first, equal ones in the order they came", () => {
    const list = new TokenListBuilder()
      .token(" a", -1)
      .alternative("x", -3)
      .alternative("y", -0.5)
      .alternative("z", -3)
      .alternative("w", -2, 7)
      .build();
    expect(list.toArray()).toStrictEqual([
      {
        text: " a",
        logprob: -1,
        top: [
          { text: "y", logprob: -0.5 },
          { text: "w", logprob: -2, id: 7 },
          { text: "x", logprob: -3 },
          { text: "z", logprob: -3 },
        ],
      },
    ]);
  });

  it("sums the logprobs into a step logprob, null when a token has none or there are none", () => {
    expect(new TokenListBuilder().token("a", -1.5).token("b", -0.25).logprobSum).toBe(-1.75);
    expect(new TokenListBuilder().token("a", -1.5).token("b").logprobSum).toBeNull();
    expect(new TokenListBuilder().logprobSum).toBeNull();
    expect(new TokenListBuilder().build().toArray()).toStrictEqual([]);
  });

  it("is empty again after build or reset, ready for the next list", () => {
    const b = new TokenListBuilder().token("a", -1).alternative("x", -2);
    expect(b.build().toArray()).toStrictEqual([{ text: "a", logprob: -1, top: [{ text: "x", logprob: -2 }] }]);
    expect(b.length).toBe(0);
    expect(b.token("b").build().toArray()).toStrictEqual([{ text: "b" }]);
    b.token("c", -1).alternative("y", -3).reset();
    expect(b.logprobSum).toBeNull();
    expect(b.token("d", -0.5).build().toArray()).toStrictEqual([{ text: "d", logprob: -0.5 }]);
  });

  it("refuses an alternative before any token", () => {
    expect(() => new TokenListBuilder().alternative("x", -1)).toThrow(/before any token/);
  });
});
