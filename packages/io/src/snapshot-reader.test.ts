// A node record's line parses to what JSON.parse gives, whether its packed tokens are cut out first or not, and damage is refused either way.
import { describe, expect, it } from "vitest";
import { parseNodeLine } from "./snapshot-reader.js";

const parse = (line: string) => parseNodeLine(line, "loom.json", "frame 3, node record 0");

describe("parseNodeLine", () => {
  it("gives what JSON.parse gives, for lines a writer makes and lines that only look like them", () => {
    const lines = [
      '{"id":"n_1","text":" a","tokens":"BgEC+/8="}',
      // A text holding the member's own characters (escaped quotes, so not the member).
      '{"id":"n_1","text":",\\"tokens\\":\\"x","tokens":"QQ=="}',
      // The same name twice: the last wins.
      '{"id":"n_1","tokens":"AAAA","text":"b","tokens":"QQ=="}',
      // An escape inside the value: parsed whole, and unescaped.
      '{"id":"n_1","tokens":"QQ\\u003d\\u003d"}',
      '{"id":"n_1","tokens":"QQ\\/"}',
      // Tokens that are not last, plain tokens, no tokens, a nested member of that name.
      '{"id":"n_1","tokens":"QQ==","text":"c"}',
      '{"id":"n_1","tokens":[{"text":" a"}]}',
      '{"id":"n_1","createdAt":"2026-01-01T00:00:00.000Z"}',
      '{"id":"n_1","meta":{"tokens":"x"}}',
      '{"tokens":"QQ=="}',
    ];
    for (const line of lines) expect(parse(line)).toStrictEqual(JSON.parse(line));
  });

  it("refuses a damaged line, naming the record", () => {
    for (const line of [
      '{"id":"n_1,"tokens":"QQ=="}', // a string left open before the member
      '{"meta":{"b":1,"tokens":"QQ=="}', // the member inside an object left open
      '{"id":"n_1",,"tokens":"QQ=="}',
      '"id":"n_1","tokens":"QQ=="}',
    ]) {
      expect(() => JSON.parse(line)).toThrow();
      expect(() => parse(line)).toThrow(/frame 3, node record 0 is not valid JSON/);
    }
  });
});
