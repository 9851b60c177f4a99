// Every package's errors are one family: core's base finds them all, each class's isInstance only its own, retryable set where it applies.
import { LoomBaseError, LoomError } from "@loom/core";
import { APICallError, GeneratorError, MissingApiKeyError, PartialStepError } from "@loom/generators";
import { IoError, SessionLockedError } from "@loom/io";
import { SelectorConfigError, SelectorError } from "@loom/selectors";
import { describe, expect, it } from "vitest";
import { OrchestratorError } from "./orchestrator-error.js";

describe("the error family", () => {
  const members = [
    new LoomError("unknown_node", "no node n_1"),
    new IoError("missing_file", "no snapshot", { file: "/s/loom.json" }),
    new SessionLockedError("/s/lock", { pid: 1, hostname: "h", startedAt: "t" }),
    new GeneratorError("invalid_request", "bad n"),
    new APICallError({ message: "HTTP 503", provider: "openai", statusCode: 503 }),
    new MissingApiKeyError("together", "TOGETHER_API_KEY"),
    new PartialStepError("2 of 8 candidates failed", []),
    new SelectorError("invalid_output", "not a decision"),
    new SelectorConfigError("missing_model", "no model", "model"),
    new OrchestratorError("busy", "run() is already in progress"),
  ];

  it("are all found by LoomBaseError.isInstance, each with a code; a plain Error is not", () => {
    for (const e of members) {
      expect(LoomBaseError.isInstance(e), e.name).toBe(true);
      expect(typeof e.code).toBe("string");
    }
    expect(LoomBaseError.isInstance(new Error("x"))).toBe(false);
    expect(LoomBaseError.isInstance({ code: "busy", name: "OrchestratorError" })).toBe(false);
  });

  it("tell their own kind apart, subclasses included", () => {
    const kinds = [
      LoomError,
      IoError,
      SessionLockedError,
      GeneratorError,
      APICallError,
      MissingApiKeyError,
      PartialStepError,
      SelectorError,
      SelectorConfigError,
      OrchestratorError,
    ];
    const matrix = kinds.map((k) => members.filter((e) => k.isInstance(e)).map((e) => e.name));
    expect(matrix).toEqual([
      ["LoomError"],
      ["IoError", "SessionLockedError"],
      ["SessionLockedError"],
      ["GeneratorError", "APICallError", "MissingApiKeyError", "PartialStepError"],
      ["APICallError"],
      ["MissingApiKeyError"],
      ["PartialStepError"],
      ["SelectorError", "SelectorConfigError"],
      ["SelectorConfigError"],
      ["OrchestratorError"],
    ]);
  });

  it("say whether a retry may help: by HTTP status for API calls, false by default", () => {
    expect(new APICallError({ message: "x", provider: "p", statusCode: 429 }).retryable).toBe(true);
    expect(new APICallError({ message: "x", provider: "p", statusCode: 401 })).toMatchObject({
      retryable: false,
      isRetryable: false,
    });
    expect(new SelectorError("provider", "HTTP 500", { retryable: true, status: 500 }).retryable).toBe(true);
    expect(new OrchestratorError("busy", "x").retryable).toBe(false);
  });

  it("are recognised across copies of a package (the kinds are under a global symbol, not a class identity)", () => {
    const foreign = Object.assign(new Error("from another bundle"), {
      [Symbol.for("loom.error.kinds")]: ["OrchestratorError", "LoomBaseError"],
    });
    expect(OrchestratorError.isInstance(foreign)).toBe(true);
    expect(LoomBaseError.isInstance(foreign)).toBe(true);
    expect(LoomError.isInstance(foreign)).toBe(false);
  });
});
