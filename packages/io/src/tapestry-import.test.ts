import { currentText, nodeText } from "@loom/core";
import { describe, expect, it } from "vitest";
import { importText, readImportFile } from "./index.js";
import { expectSoundLoom, fixturePath } from "./test-support/foreign-fixtures.js";
import { expectSameWeave, type Weave, weaveOf } from "./test-support/tapestry-check.js";

describe("Tapestry Loom import", () => {
  it("reads a JSON weave: u64 ids exact, token logprobs and counterfactuals, the active path and bookmarks", async () => {
    const weave = weaveOf("tapestry-harbor.json");
    const [r] = await readImportFile(fixturePath("tapestry-harbor.json"));
    expect(r!.format).toBe("tapestry");
    const { loom, warnings } = r!;
    expectSoundLoom(loom);
    expectSameWeave(loom, weave);
    // ids beyond 2^53 survive (JSON.parse alone would round them)
    expect(Object.keys(weave.nodes).some((id) => BigInt(id) > 2n ** 53n)).toBe(true);
    expect(loom.brief.title).toBe("Harbor");
    // tokens: text, logprob, id, counterfactuals as top alternatives (most likely first)
    const tokenNode = Object.keys(weave.nodes).find(
      (id) => weave.nodes[id].contents.content.Tokens?.length > 1 && loom.nodes[id]!.tokens,
    )!;
    const written = weave.nodes[tokenNode].contents.content.Tokens;
    const tokens = loom.nodes[tokenNode]!.tokens!.toArray();
    expect(tokens.map((t) => t.text).join("")).toBe(loom.nodes[tokenNode]!.text);
    expect(tokens.map((t) => t.logprob)).toEqual(written.map((t: Weave) => t.logprob));
    expect(tokens[0]!.top!.map((a) => a.logprob)).toEqual(
      written[0].counterfactual.map((a: Weave) => a.logprob).sort((a: number, b: number) => b - a),
    );
    expect(tokens[0]!.id).toBe(written[0].id);
    expect(loom.nodes[tokenNode]!.meta).toMatchObject({ model: "Llama-3.1-8B", finishReason: "length" });
    // entropy has no place in a Loom token: kept per node
    expect((loom.nodes[tokenNode]!.meta.import as { tapestry: { entropy: number[] } }).tapestry.entropy).toEqual(
      written.map((t: Weave) => t.entropy),
    );
    // the active path ends at the deepest active node; bookmarks carried over
    const active = weave.active.map(String);
    expect(loom.currentPath).toEqual(expect.arrayContaining(active));
    expect(loom.currentPath).toHaveLength(active.length);
    expect(loom.bookmarks).toEqual(weave.bookmarked.map(String));
    // the node with two parents sits under one and keeps both
    const shared = Object.keys(weave.nodes).find((id) => weave.nodes[id].from.length === 2)!;
    expect((loom.nodes[shared]!.meta.import as { tapestry: { from: string[] } }).tapestry.from).toHaveLength(2);
    // a token split inside "é": the node's text whole, the tokens kept as written
    const split = Object.keys(weave.nodes).find((id) => nodeText(loom, id).endsWith("café"))!;
    expect(loom.nodes[split]!.tokens).toBeNull();
    const all = warnings.join("\n");
    expect(all).toContain("1 node(s) have several parents");
    expect(all).toContain("1 node(s) have tokens that split a UTF-8 character");
    expect(currentText(loom).startsWith("The harbor at dusk")).toBe(true);
  });

  it("reads a large weave (600 nodes, every one tokenised)", async () => {
    const weave = weaveOf("tapestry-large.json");
    const [r] = await readImportFile(fixturePath("tapestry-large.json"));
    expectSoundLoom(r!.loom);
    expectSameWeave(r!.loom, weave);
    expect(Object.values(r!.loom.nodes).filter((n) => n.tokens !== null)).toHaveLength(599);
  });

  it("refuses a binary .tapestry file handed over as text, saying to send its bytes", () => {
    expect(() => importText("VersionedTapestryWeave__\u0002\u0000…", "story.tapestry")).toThrow(
      /story\.tapestry \(field \(header\)\): is a binary Tapestry Loom weave \(\.tapestry\), read here as text.*base64/,
    );
  });
});
