// A node record's line parses to what JSON.parse gives, whether its packed tokens are cut out first or not, and damage is refused either way; a frame's lines come out whole in any script.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, choose, createLoom, sequentialEnv } from "@loom/core";
import { describe, expect, it } from "vitest";
import { createSession, readSession } from "./index.js";
import { readSnapshotRecords } from "./snapshot-records.js";
import { PayloadLines, parseNodeLine } from "./snapshot-reader.js";

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

describe("PayloadLines", () => {
  it("gives a frame's lines as splitting its text would, and counts the text's characters, in ASCII and in UTF-8", () => {
    const texts = [
      '{"id":"a"}\n{"id":"b"}',
      '{"id":"a"}\n{"id":"b"}\n',
      '{"text":"caf\u00e9 \u2014 \ud83d\ude00"}\n{"text":"\u2028 a line separator, \\n an escaped break"}',
      '{"text":"\u00ff"}',
      "",
    ];
    for (const text of texts) {
      const lines = new PayloadLines(Buffer.from(text, "utf8"));
      const got: string[] = [];
      for (let line = lines.next(); line !== undefined; line = lines.next()) got.push(line);
      const want = text.split("\n");
      if (want.at(-1) === "") want.pop();
      expect(got).toEqual(want);
      expect(lines.chars).toBe(text.length);
    }
  });

  it("lets a whole read and the record stream give back texts beyond ASCII as they were written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-lines-"));
    try {
      const env = sequentialEnv();
      const s = await createSession(join(dir, "s"), createLoom({ seed: "\u00c9t\u00e9", sessionId: "s-utf8" }, env));
      const texts = [" caf\u00e9", " \u2014 na\u00efve", " \ud83d\ude00 grin", " plain", " \u4e2d\u6587"];
      for (let i = 0; i < 300; i++) {
        const tip = s.loom.currentPath.at(-1)!;
        const { decisionId, nodeIds } = s.mutate((l) =>
          addCandidates(l, tip, [{ text: `${texts[i % texts.length]}${i}` }, { text: ` b${i}` }], { env }),
        );
        s.mutate((l) => choose(l, decisionId, nodeIds[0]!, "auto", "r\u00e9sum\u00e9", env));
      }
      const written = structuredClone(s.loom.nodes);
      await s.close();
      const read = await readSession(join(dir, "s"));
      expect(Object.fromEntries(Object.entries(read.loom.nodes).map(([id, n]) => [id, n.text]))).toEqual(
        Object.fromEntries(Object.entries(written).map(([id, n]) => [id, n.text])),
      );
      // Non-null only when the snapshot alone is the session: the texts above came from its frames, not the journal.
      const stream = await readSnapshotRecords(join(dir, "s"));
      expect(stream).not.toBeNull();
      const streamed: string[] = [];
      for await (const r of stream!.records()) if (r.kind === "node") streamed.push(r.record.text);
      expect(streamed).toEqual(Object.values(written).map((n) => n.text));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
