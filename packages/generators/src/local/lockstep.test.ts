// Tests of the barrier that lets a wave's candidates ask for their next tokens together.
import { describe, expect, it } from "vitest";
import { lockstep } from "./lockstep.js";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("lockstep", () => {
  it("releases the candidates only when all still running have arrived, and not before a later turn", async () => {
    const gate = lockstep(3);
    const released: number[] = [];
    void gate.arrive().then(() => released.push(0));
    void gate.arrive().then(() => released.push(1));
    await turn();
    expect(released).toEqual([]);
    void gate.arrive().then(() => released.push(2));
    await Promise.resolve();
    expect(released).toEqual([]);
    await turn();
    expect(released).toEqual([0, 1, 2]);
  });

  it("stops waiting for a candidate that leaves, and starts each round afresh", async () => {
    const gate = lockstep(3);
    const rounds: string[] = [];
    void gate.arrive().then(() => rounds.push("a1"));
    void gate.arrive().then(() => rounds.push("b1"));
    gate.leave();
    await turn();
    expect(rounds).toEqual(["a1", "b1"]);
    void gate.arrive().then(() => rounds.push("a2"));
    await turn();
    expect(rounds).toEqual(["a1", "b1"]);
    gate.leave();
    await turn();
    expect(rounds).toEqual(["a1", "b1", "a2"]);
  });
});
