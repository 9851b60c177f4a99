import { describe, expect, it } from "vitest";
import { bytes, indexMap, option, string, struct, u32, vec } from "./rkyv-layout.js";
import { RkyvReader, shortestF32 } from "./rkyv-read.js";
import { writeRkyv } from "./test-support/rkyv-write.js";

const site = { file: "x.bin", tool: "rkyv" };

describe("rkyv reader", () => {
  it("reads, and the test encoder writes, a Vec<u32> root exactly as rkyv's own serializer did", () => {
    // An independent byte-level vector: unicode-org/icu4x's zerovec benchmark pins the bytes rkyv writes for a
    // Vec<u32> of 20 words (0x020100, 0x060504, …): the 80 data bytes, then the root {relptr −80 = b0 ff ff ff,
    // len 20}. (That benchmark uses rkyv 0.7; ArchivedVec, RelPtr and the root at the end are unchanged in 0.8.)
    const words = Array.from({ length: 20 }, (_, i) => (4 * i) | ((4 * i + 1) << 8) | ((4 * i + 2) << 16));
    const expected = Buffer.concat([
      Buffer.from(words.flatMap((_, i) => [4 * i, 4 * i + 1, 4 * i + 2, 0])),
      Buffer.from([176, 255, 255, 255, 20, 0, 0, 0]),
    ]);
    expect(new RkyvReader(expected, site).root(vec(u32), "root")).toEqual(words);
    expect(Buffer.from(writeRkyv(vec(u32), words))).toEqual(expected);
  });

  it("round-trips strings inline (≤ 8 bytes, 0xff-padded) and out of line, maps in order, options and bytes", () => {
    const layout = struct("T", [
      ["short", string],
      ["eight", string],
      ["long", string],
      ["map", indexMap(string, string)],
      ["none", option(string)],
      ["some", option(u32)],
      ["raw", bytes],
    ]);
    const value = {
      short: "abc",
      eight: "12345678",
      long: "a string of more than eight bytes, é",
      map: [
        ["z", "last first"],
        ["a", "kept in insertion order"],
      ],
      none: null,
      some: 7,
      raw: new Uint8Array([0, 255, 1]),
    };
    const archive = writeRkyv(layout, value);
    const root = archive.length - layout.size;
    expect([...archive.subarray(root, root + 8)]).toEqual([0x61, 0x62, 0x63, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(archive[root + 16]! & 0xc0).toBe(0x80); // out of line: 0b10 in the first byte's top bits
    expect(new RkyvReader(archive, site).root(layout, "root")).toEqual(value);
  });

  it("gives f32s as the shortest decimal that reads back as the same f32", () => {
    expect(shortestF32(Math.fround(-2.7))).toBe(-2.7);
    expect(shortestF32(Math.fround(-3.2600000000000002))).toBe(-3.26);
    expect(shortestF32(Math.fround(1e-7))).toBe(1e-7);
  });
});
