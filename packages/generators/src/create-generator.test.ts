// Tests for the provider factory: names map to adapters, and mistakes get errors that say what to set.
import { describe, expect, it } from "vitest";
import { createGenerator, knownProviders } from "./create-generator.js";
import { GeneratorError, MissingApiKeyError } from "./errors.js";

describe("createGenerator", () => {
  it("maps provider names to adapters with their capabilities", () => {
    const env = { OPENAI_API_KEY: "k", TOGETHER_API_KEY: "k", ANTHROPIC_API_KEY: "k", OPENROUTER_API_KEY: "k" };
    expect(createGenerator({ provider: "openai" }, env)).toMatchObject({
      provider: "openai",
      model: "davinci-002",
      capabilities: { nativeN: true },
    });
    expect(createGenerator({ provider: "openrouter", model: "m" }, env)).toMatchObject({
      provider: "openai-compatible:openrouter",
      capabilities: { nativeN: false },
    });
    expect(createGenerator({ provider: "ollama", model: "llama3" }, {})).toMatchObject({
      capabilities: { logprobs: false },
    });
    expect(createGenerator({ provider: "vllm", model: "m", baseUrl: "http://gpu:8000/v1" }, {})).toMatchObject({
      baseURL: "http://gpu:8000/v1",
    });
    expect(createGenerator({ provider: "together", model: "m" }, env)).toMatchObject({ provider: "together" });
    expect(createGenerator({ provider: "anthropic-cli-sim" }, { env })).toMatchObject({
      provider: "anthropic-cli-sim",
      capabilities: { logprobs: false },
    });
    expect(createGenerator({ provider: "anthropic-prefill" }, env)).toMatchObject({ provider: "anthropic-prefill" });
    expect(createGenerator({ provider: "scripted" }, {})).toMatchObject({ provider: "scripted" });
    expect(createGenerator({ provider: "local", model: "/models/x.gguf" }, {})).toMatchObject({
      provider: "local",
      model: "x.gguf",
    });
    expect(createGenerator({}, { LOOM_MODEL: "/m/y.gguf" })).toMatchObject({ provider: "local", model: "y.gguf" });
  });

  it("lists the known providers for an unknown one", () => {
    const error = (() => {
      try {
        createGenerator({ provider: "gpt-5" }, {});
      } catch (e) {
        return e;
      }
    })();
    expect(GeneratorError.isInstance(error) && error.code).toBe("unknown_provider");
    for (const name of knownProviders()) expect((error as Error).message).toContain(name);
  });

  it("names the variable or field that is missing", () => {
    expect(() => createGenerator({ provider: "together", model: "m" }, {})).toThrow(MissingApiKeyError);
    expect(() => createGenerator({ provider: "together", model: "m" }, {})).toThrow(/TOGETHER_API_KEY/);
    expect(() => createGenerator({ provider: "anthropic-cli-sim" }, {})).toThrow(/ANTHROPIC_API_KEY/);
    expect(() => createGenerator({ provider: "openai" }, {})).toThrow(/OPENAI_API_KEY/);
    expect(() => createGenerator({ provider: "together" }, { TOGETHER_API_KEY: "k" })).toThrow(/generator.model/);
    expect(() => createGenerator({ provider: "local" }, {})).toThrow(/LOOM_MODEL/);
    expect(() => createGenerator({ provider: "openai-compatible", model: "m" }, {})).toThrow(/baseUrl/);
  });

  it("takes LOOM_GPU auto or off for the local engine and names the variable for anything else", () => {
    for (const LOOM_GPU of ["auto", "off", "AUTO", ""])
      expect(createGenerator({}, { LOOM_MODEL: "/m/y.gguf", LOOM_GPU })).toMatchObject({ provider: "local" });
    expect(() => createGenerator({}, { LOOM_MODEL: "/m/y.gguf", LOOM_GPU: "cuda" })).toThrow(
      /LOOM_GPU must be "auto" or "off", got "cuda"/,
    );
  });
});
