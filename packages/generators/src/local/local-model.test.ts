// Tests of the local engine's loading choices that need no model: the flash-attention default.
import { describe, expect, it } from "vitest";
import { defaultFlashAttention } from "./local-model.js";

describe("defaultFlashAttention", () => {
  it("is off on the CPU, node-llama-cpp's choice on a GPU, and the caller's when given", () => {
    expect(defaultFlashAttention(false)).toBe(false);
    expect(defaultFlashAttention(true)).toBeUndefined();
    expect(defaultFlashAttention(false, true)).toBe(true);
    expect(defaultFlashAttention(true, false)).toBe(false);
  });
});
