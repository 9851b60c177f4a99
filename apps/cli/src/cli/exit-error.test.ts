// The CLI's exits are members of core's error family: found by LoomBaseError.isInstance, their code naming the status.
import { LoomBaseError } from "@loom/core";
import { describe, expect, it } from "vitest";
import { EXIT, ExitError, FailureError, UsageError } from "./exit-error.js";

describe("ExitError", () => {
  it("joins the family with a code naming its exit status", () => {
    const errors = [new UsageError("bad flag"), new FailureError("no file"), new ExitError(EXIT.interrupted, "^C")];
    expect(errors.map((e) => LoomBaseError.isInstance(e))).toEqual([true, true, true]);
    expect(errors.map((e) => [e.code, e.exitCode])).toEqual([
      ["usage", 2],
      ["failure", 1],
      ["interrupted", 130],
    ]);
    expect(ExitError.isInstance(new LoomBaseError("usage", "not an exit"))).toBe(false);
  });
});
