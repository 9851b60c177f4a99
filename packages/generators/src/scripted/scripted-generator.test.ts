// Tests for the scripted generator: scripted and seeded candidates, logprobs, streaming, abort.
import { describe, expect, it } from "vitest";
import { ScriptedGenerator } from "@loom/generators/test";

const request = { prompt: "Once upon a time", n: 4, maxTokens: 5, temperature: 1, topP: 1, logprobs: 3 };

describe("ScriptedGenerator", () => {
  it("returns the script's candidates in order with logprobs summing to stepLogprob", async () => {
    const g = new ScriptedGenerator({
      script: [[" there was", { text: " a fox", logprobs: [-0.5, -1.25] }], { error: new Error("boom") }],
    });
    const r = await g.generate(request);
    expect(r.candidates.map((c) => c.text)).toEqual([" there was", " a fox"]);
    expect(r.candidates[1]!.stepLogprob).toBe(-1.75);
    for (const c of r.candidates) {
      expect(c.tokens!.map((t) => t.text).join("")).toBe(c.text);
      expect(c.stepLogprob).toBeCloseTo(
        c.tokens!.reduce((s, t) => s + t.logprob!, 0),
        10,
      );
      for (const t of c.tokens!)
        expect(t.top!.map((x) => x.logprob)).toEqual([...t.top!.map((x) => x.logprob)].sort((a, b) => b - a));
    }
    expect(r.meta).toMatchObject({
      provider: "scripted",
      prompt: "Once upon a time",
      sampling: { n: 4, maxTokens: 5 },
    });
    await expect(g.generate(request)).rejects.toThrow("boom");
    await expect(g.generate(request)).rejects.toThrow(/script has 2 step/);
    expect(g.calls).toHaveLength(3);
  });

  it("makes up n distinct-looking candidates, reproducible from a seed", async () => {
    const a = await new ScriptedGenerator().generate({ ...request, seed: 42 });
    const b = await new ScriptedGenerator({ seed: 9 }).generate({ ...request, seed: 42 });
    expect(a.candidates).toHaveLength(4);
    expect(a.candidates.map((c) => c.text)).toEqual(b.candidates.map((c) => c.text));
    expect(new Set(a.candidates.map((c) => c.text)).size).toBeGreaterThan(1);
    const g = new ScriptedGenerator({ seed: 1 });
    const first = await g.generate(request);
    const second = await g.generate(request);
    expect(first.candidates.map((c) => c.text)).not.toEqual(second.candidates.map((c) => c.text));
    for (const c of first.candidates) expect(c.stepLogprob).toBeLessThan(0);
  });

  it("builds briefed prompts and cuts at stop sequences", async () => {
    const g = new ScriptedGenerator({ script: [["one. two"]] });
    const r = await g.generate({
      ...request,
      prompt: { mode: "briefed", text: "Hi", sectionIntent: "a greeting" },
      stop: ["."],
    });
    expect(r.candidates[0]!.text).toBe("one");
    expect(r.candidates[0]!.finishReason).toBe("stop");
    expect(r.meta.prompt).toMatch(/a greeting[\s\S]*Hi$/);
  });

  it("streams deltas per candidate that add up to the result, and honours abort", async () => {
    const g = new ScriptedGenerator({ seed: 3, tokenDelayMs: 1 });
    const texts = ["", "", "", ""];
    let done: string[] = [];
    for await (const e of g.stream!(request)) {
      if (e.type === "delta") texts[e.index] += e.text;
      else done = e.result.candidates.map((c) => c.text);
    }
    expect(texts).toEqual(done);
    const controller = new AbortController();
    const slow = new ScriptedGenerator({ delayMs: 5_000 });
    const pending = slow.generate({ ...request, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
  });

  it("counts prompt tokens as whitespace-led words, also when a prompt extends the previous one", async () => {
    const g = new ScriptedGenerator({ seed: 2 });
    const words = (text: string) => (text.match(/\s*\S+|\s+$/g) ?? []).length;
    const prompts = [
      "",
      "   ",
      "Once",
      "Once upon",
      "Once upon a time ",
      "Once upon a time \u00a0there",
      "Other\ttext\n",
      "Other\ttext\nagain",
    ];
    for (const prompt of prompts) {
      const r = await g.generate({ ...request, prompt });
      expect(r.usage.promptTokens).toBe(words(prompt));
    }
  });

  it("declares capabilities and can turn logprobs off", async () => {
    const g = new ScriptedGenerator({ capabilities: { logprobs: false, nativeN: false } });
    expect(g.capabilities).toEqual({
      logprobs: false,
      nativeN: false,
      streaming: true,
      seed: true,
      samplingControls: ["topK", "minP", "logitBias", "extraBody"],
    });
    const r = await g.generate(request);
    expect(r.candidates.every((c) => c.tokens === null && c.stepLogprob === null)).toBe(true);
  });
});
