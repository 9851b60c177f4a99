// Tests that incremental snapshots (re-encoding only what changed) read back as exactly the live loom.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  LoomOpSchema,
  LoomSchema,
  addCandidates,
  answerClarification,
  applyTreeWork,
  checkout,
  choose,
  configure,
  createLoom,
  editNode,
  resolveDecision,
  sequentialEnv,
  setBrief,
  type Loom,
  type LoomEnv,
  type TreeWork,
} from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, openSession, readSession } from "./index.js";
import { journalRecord } from "./journal-record.js";
import { encodeOp, encodeSnapshot, SnapshotEncoder } from "./snapshot-codec.js";
import { readSnapshotRecord } from "./test-support/snapshot-file.js";
import { reviveOpTokens } from "./token-codec.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-codec-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let decoded = 0;
/** The snapshot record that encoded pieces read back as, through the real reader. */
const decode = async (pieces: Buffer[]) => {
  const file = join(tmp, `decoded-${++decoded}`);
  writeFileSync(file, Buffer.concat(pieces));
  return readSnapshotRecord(file);
};

/** Grow a loom with every kind of op, including changes to records in chunks encoded long ago. */
function grow(loom: Loom, steps: number, mutate: <R>(f: (l: Loom) => R) => R, env: LoomEnv): string[] {
  const ids: string[] = [loom.rootId];
  let openOld: string | null = null;
  for (let i = 0; i < steps; i++) {
    const tip = loom.currentPath[loom.currentPath.length - 1]!;
    const a = mutate((l) =>
      addCandidates(
        l,
        tip,
        [
          {
            text: ` a${i}`,
            stepLogprob: -1,
            tokens: [{ text: ` a${i}`, logprob: -1, top: [{ text: " x", logprob: -0.5 }] }],
          },
          { text: ` b${i}` },
        ],
        { env },
      ),
    );
    ids.push(...a.nodeIds);
    if (i % 9 === 4) {
      // A reroll: more candidates for the open decision.
      const more = mutate((l) => addCandidates(l, tip, [{ text: ` c${i}` }], { env, decisionId: a.decisionId }));
      ids.push(...more.nodeIds);
    }
    if (i === 3) {
      openOld = a.decisionId; // left open, resolved much later: a change to an old chunk
      mutate((l) => checkout(l, a.nodeIds[0]!));
      continue;
    }
    if (i % 7 === 0) {
      mutate((l) =>
        resolveDecision(
          l,
          a.decisionId,
          {
            action: "clarify",
            chosenBy: "human",
            question: "which?",
            candidatesInTension: a.nodeIds,
            whatHingesOnIt: "tone",
          },
          env,
        ),
      );
      mutate((l) =>
        answerClarification(
          l,
          a.decisionId,
          "the second",
          { action: "choose", chosenNodeId: a.nodeIds[1]!, chosenBy: "human", reason: "asked" },
          env,
        ),
      );
    } else {
      mutate((l) => choose(l, a.decisionId, a.nodeIds[i % 2]!, "auto", "r", env));
    }
    if (i % 11 === 5) mutate((l) => editNode(l, a.nodeIds[i % 2]!, ` edited ${i}`, env));
    if (i % 13 === 12) mutate((l) => checkout(l, ids[Math.floor(ids.length / 3)]!));
  }
  if (openOld) {
    const d = openOld;
    mutate((l) => choose(l, d, l.decisions[d]!.candidateNodeIds[1]!, "human", "late", env));
  }
  return ids;
}

describe("incremental snapshots", () => {
  it("journals candidate nodes sparse, reading back as the op", async () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "Once", sessionId: "s" }, env);
    const meta = { model: "m", when: undefined, nested: { a: [1, null], b: '\u2028"q"' } };
    const { op } = addCandidates(
      loom,
      loom.rootId,
      [{ text: " a", tokens: [{ text: " a", logprob: -1, top: [{ text: " a", logprob: -1 }] }], meta }, { text: "" }],
      { env },
    );
    const more = addCandidates(loom, loom.rootId, [{ text: " é—ß 😀" }, { text: " naïve" }], {
      env,
      decisionId: op.decisionId,
    });
    for (const o of [op, more.op]) {
      const encoded = encodeOp(o);
      expect(encoded.nodes).toHaveLength(o.nodes.length);
      // Each node as a snapshot writes it (sparse).
      const snapshot = await decode(
        await encodeSnapshot(
          0,
          { ...loom, nodes: Object.fromEntries(o.nodes.map((n) => [n.id, n])), decisions: {} },
          { compress: false },
        ).finish(),
      );
      // Tokens are written packed (one base64 string) and read back as TokenLists; serialised they are the plain tokens again.
      const plain = (x: unknown) => JSON.parse(JSON.stringify(x));
      const json = encoded.head + encoded.nodes!.map((n) => n.toString("utf8")).join(",") + encoded.tail;
      const line = { version: 3, op: JSON.parse(json) as Record<string, unknown> };
      reviveOpTokens(line, "journal.ndjson", 1);
      const parsed = LoomOpSchema.parse(line.op) as typeof o;
      expect(plain(parsed.nodes)).toEqual(o.nodes.map((n) => plain(snapshot.loom.nodes[n.id])));
      expect(plain(parsed)).toEqual(plain(o));
      // Written sparse: fields at their default are left out (the schema fills them back in).
      for (const n of encoded.nodes!) expect(n.toString("utf8")).not.toMatch(/"chosenBy"|"scores"|"origin"/);
    }
    const stop = resolveDecision(loom, op.decisionId, { action: "stop", chosenBy: "human", reason: "done" }, env);
    expect(encodeOp(stop)).toEqual({ head: JSON.stringify(stop), nodes: null, tail: "" });
  });

  it("encode the same loom as a one-off encoding, across many snapshots and every op", async () => {
    // Told of each op alone, or with its binary journal record as a session tells its encoder (nodes built
    // from the records; a chosen node keeps its journaled token list).
    for (const [compress, journaled] of [
      [true, false],
      [false, false],
      [true, true],
    ] as const) {
      const env = sequentialEnv();
      const loom = createLoom({ seed: "Once", sessionId: "s" }, env);
      const encoder = new SnapshotEncoder();
      let seq = 0;
      const mutate = <R>(f: (l: Loom) => R): R => {
        const r = f(loom);
        const op = typeof (r as { op: unknown }).op === "string" ? (r as never) : (r as { op: never }).op;
        seq++;
        encoder.noteOp(op, loom, journaled ? journalRecord(op, seq) : undefined);
        return r;
      };
      // Token texts that are not ASCII too (their texts entries are built from the decoded list).
      mutate((l) =>
        addCandidates(
          l,
          l.rootId,
          [
            {
              text: " “naïve” ☃",
              tokens: [
                { text: " “naïve”", logprob: -1 },
                { text: " ☃", logprob: -1 },
              ],
            },
          ],
          { env },
        ),
      );
      // Snapshot every few ops, so chunks are cached, reused, touched and re-encoded.
      for (let round = 0; round < 12; round++) {
        grow(loom, 150, mutate, env);
        const inc = encoder.encode(seq, loom, { compress, manifestBytes: 7 });
        const once = encodeSnapshot(seq, loom, { compress, manifestBytes: 7 });
        const [a, b] = await Promise.all([inc.finish(), once.finish()]);
        expect(inc.jsonLength).toBe(once.jsonLength);
        expect(Buffer.concat(a).equals(Buffer.concat(b))).toBe(true);
        // Read back, tokens are TokenLists again; serialised, both are the plain records of the live loom.
        expect(JSON.parse(JSON.stringify((await decode(a)).loom))).toEqual(JSON.parse(JSON.stringify(loom)));
      }
    }
  });

  it("a session compacting often reopens as exactly its live loom", async () => {
    const dir = join(tmp, "s1");
    const env = sequentialEnv();
    const session = await createSession(dir, createLoom({ seed: "Once", sessionId: "s1" }, env), {
      compactAfterBytes: 4096,
      compressSnapshots: true,
    });
    const tick = () => new Promise<void>((r) => setImmediate(r));
    const mutate = <R>(f: (l: Loom) => R): R => session.mutate(f as never) as R;
    for (let round = 0; round < 8; round++) {
      grow(session.loom, 200, mutate, env);
      for (let i = 0; i < 5; i++) await tick();
    }
    await session.compact();
    // Compared serialised: tokens are held packed (TokenList), and written as the plain tokens.
    const plain = (loom: unknown) => JSON.parse(JSON.stringify(loom));
    const live = plain(session.loom);
    const read = await readSession(dir);
    expect(read.warnings).toEqual([]);
    expect(plain(read.loom)).toEqual(live);
    // The snapshot's records are sparse: the schema fills the defaults back in.
    expect(readFileSync(join(dir, "loom.json")).subarray(0, 16).toString()).toBe("loom-snapshot 2\n");
    expect(plain(LoomSchema.parse((await readSnapshotRecord(join(dir, "loom.json"))).loom))).toEqual(live);
    await session.close();
    const reopened = await openSession(dir);
    expect(plain(reopened.loom)).toEqual(live);
    await reopened.close();
  });
});

describe("tree work between snapshots", () => {
  /** A loom of `steps` steps of three candidates (the first chosen), as a session grows, and an encoder that has written it once. */
  function grown(steps: number) {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "Once", sessionId: "tw" }, env);
    for (let i = 0; i < steps; i++) {
      const a = addCandidates(
        loom,
        loom.currentPath.at(-1)!,
        [{ text: ` a${i} b` }, { text: ` c${i}` }, { text: ` d${i}` }],
        {
          env,
        },
      );
      choose(loom, a.decisionId, a.nodeIds[0]!, "human", "fits", env);
    }
    const encoder = new SnapshotEncoder();
    // Written once, as a session's first compaction does (its frames are kept once finished).
    const first = encoder.encode(0, loom);
    return { loom, env, encoder, first };
  }

  it("siblings journaled in one record are written without comparing their shared fields, as a one-off encoding", async () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "Once", sessionId: "sib" }, env);
    const encoder = new SnapshotEncoder();
    encoder.encode(0, loom);
    let seq = 0;
    let metaReads = 0;
    const ops = 60;
    for (let i = 0; i < ops; i++) {
      const tip = loom.currentPath.at(-1)!;
      // Eight candidates sharing one provenance; every third op gives one of them scores of its own.
      const candidates = Array.from({ length: 8 }, (_, k) => ({
        text: ` w${i}.${k}`,
        stepLogprob: -k,
        tokens: [{ text: ` w${i}.${k}`, logprob: -k, top: [{ text: " x", logprob: -0.5 }] }],
        meta: { generator: "scripted", op: i },
        ...(i % 3 === 0 && k === 5 ? { scores: { fit: k } } : {}),
      }));
      const a = addCandidates(loom, tip, candidates, { env });
      encoder.noteOp(a.op, loom, journalRecord(a.op, ++seq));
      const chosen = choose(loom, a.decisionId, a.nodeIds[i % 8]!, "auto", "r", env);
      encoder.noteOp(chosen, loom, journalRecord(chosen, ++seq));
      // Count every read of the candidates' provenance from now on.
      for (const id of a.nodeIds) {
        const node = loom.nodes[id]! as { meta: unknown };
        const meta = node.meta;
        Object.defineProperty(node, "meta", {
          enumerable: true,
          get: () => {
            metaReads++;
            return meta;
          },
        });
      }
    }
    const inc = encoder.encode(seq, loom);
    // A record compared with the one before reads both provenances (two reads a node had every node been
    // compared): only an op's first candidate, the chosen one (changed since its record), one with fields of its
    // own and the one after such a node are; the other siblings repeat their shared fields unread.
    expect(metaReads).toBeLessThan(ops * 8);
    const once = encodeSnapshot(seq, loom);
    const [a, b] = await Promise.all([inc.finish(), once.finish()]);
    expect(Buffer.concat(a).equals(Buffer.concat(b))).toBe(true);
    expect(JSON.parse(JSON.stringify((await decode(a)).loom))).toEqual(JSON.parse(JSON.stringify(loom)));
  });

  it("a compaction after a tree op re-encodes only the chunks of the records it touched", async () => {
    const { loom, env, encoder, first } = grown(1700);
    await first.finish();
    const total = Object.keys(loom.nodes).length;
    expect(total).toBe(5101);
    // The first snapshot wrote every record once.
    expect(encoder.serialised.nodes).toBe(total);
    const early = loom.currentPath[3]!;
    const cost = async (work: TreeWork) => {
      const before = encoder.serialised;
      encoder.noteOp(applyTreeWork(loom, work, env).op, loom);
      await encoder.encode(1, loom).finish();
      const after = encoder.serialised;
      return { nodes: after.nodes - before.nodes, decisions: after.decisions - before.decisions };
    };
    // A split of a node in the first chunk: that chunk again (1,024 records) and the new node; not the 5,101.
    const split = await cost({ action: "split", nodeId: early, offset: 2 });
    expect(split.nodes).toBeLessThanOrEqual(1024 + 1);
    expect(split.nodes).toBeGreaterThan(0);
    expect(split.decisions).toBeLessThanOrEqual(1024);
    // Marks and prunes touch no record (they live in the head); undo of the split re-encodes its chunk once more.
    expect((await cost({ action: "bookmark", nodeId: early })).nodes).toBe(0);
    expect((await cost({ action: "tag", nodeId: early, tag: "t" })).nodes).toBe(0);
    expect((await cost({ action: "prune", nodeId: loom.currentPath[2]! })).nodes).toBe(0);
    expect((await cost({ action: "undo" })).nodes).toBe(0);
    for (let i = 0; i < 2; i++) await cost({ action: "undo" });
    const undone = await cost({ action: "undo" });
    expect(undone.nodes).toBeLessThanOrEqual(1024);
    expect(Object.keys(loom.nodes)).toHaveLength(total);
  });

  it("a new config or brief re-encodes no record (the head holds them) and reads back as the live loom", async () => {
    const { loom, env, encoder, first } = grown(400);
    await first.finish();
    const before = encoder.serialised;
    encoder.noteOp(configure(loom, { ...loom.config, maxSteps: 7 }), loom);
    encoder.noteOp(setBrief(loom, { title: "The harbour", voice: "Plain" }, env), loom);
    const inc = encoder.encode(2, loom);
    const [a, b] = await Promise.all([inc.finish(), encodeSnapshot(2, loom).finish()]);
    expect(encoder.serialised).toEqual(before);
    const read = await decode(a);
    expect(read).toEqual(await decode(b));
    expect(read.loom.config.maxSteps).toBe(7);
    expect(read.loom.brief.title).toBe("The harbour");
  });

  it("after every kind of tree op, undo and redo, the incremental snapshot reads back as a one-off encoding", async () => {
    const { loom, env, encoder } = grown(700);
    const path = loom.currentPath;
    const late = path.at(-2)!;
    const works: TreeWork[] = [
      { action: "split", nodeId: path[5]!, offset: 2 },
      { action: "merge", nodeId: path[5]! },
      { action: "split", nodeId: late, offset: 2 },
      {
        action: "move",
        nodeId: loom.decisions[loom.nodes[path[9]!]!.decisionId!]!.candidateNodeIds[1]!,
        parentId: path[600]!,
      },
      { action: "prune", nodeId: path[650]! },
      { action: "bookmark", nodeId: path[4]! },
      { action: "tag", nodeId: path[4]!, tag: "keep" },
      { action: "undo" },
      { action: "undo" },
      { action: "undo" },
      { action: "redo" },
      { action: "undo" },
      { action: "undo" },
      { action: "undo" },
      { action: "undo" },
      { action: "redo" },
      { action: "redo" },
    ];
    let seq = 0;
    for (const work of works) {
      encoder.noteOp(applyTreeWork(loom, work, env).op, loom);
      seq++;
      const inc = encoder.encode(seq, loom, { compress: true });
      const once = encodeSnapshot(seq, loom, { compress: true });
      expect(inc.jsonLength, work.action).toBe(once.jsonLength);
      const [a, b] = await Promise.all([inc.finish(), once.finish()]);
      expect(JSON.parse(JSON.stringify((await decode(a)).loom)), work.action).toEqual(
        JSON.parse(JSON.stringify((await decode(b)).loom)),
      );
    }
    expect(Object.keys(loom.nodes).length).toBe(2101 + 1);
  });
});
