import { describe, expect, it } from "vitest";
import { serialQueue } from "./internal.js";

describe("serialQueue", () => {
  it("runs work one piece at a time in call order, and a failure does not stop what follows", async () => {
    const run = serialQueue();
    const log: string[] = [];
    const slow = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      return name;
    };
    const a = run(slow("a", 20));
    const b = run(async () => {
      log.push("b fails");
      throw new Error("b");
    });
    const c = run(slow("c", 1));
    await expect(a).resolves.toBe("a");
    await expect(b).rejects.toThrow("b");
    await expect(c).resolves.toBe("c");
    expect(log).toEqual(["start a", "end a", "b fails", "start c", "end c"]);
  });
});
