import { describe, expect, it } from "vitest";
import { defaultEnv } from "./env.js";

describe("defaultEnv.newId", () => {
  it("gives the kind's prefix and 16 hex digits, unique across refills of its random pool", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const kind = (["node", "decision", "session"] as const)[i % 3]!;
      const id = defaultEnv.newId(kind);
      expect(id).toMatch(new RegExp(`^${kind[0]}_[0-9a-f]{16}$`));
      seen.add(id);
    }
    expect(seen.size).toBe(3000);
  });

  it("uses every hex digit in every position (random, not a counter)", () => {
    const digits = Array.from({ length: 16 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) {
      const id = defaultEnv.newId("node");
      for (let k = 0; k < 16; k++) digits[k]!.add(id[2 + k]!);
    }
    for (const d of digits) expect(d.size).toBe(16);
  });
});
