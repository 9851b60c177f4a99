// Writes the binary .tapestry weaves that Tapestry Loom saves today (format version 1) into src/__fixtures__/foreign/,
// each beside the same weave in Tapestry's versioned JSON form, so the import tests can check every node against it.
// Run: `pnpm --filter @loom/io run fixtures:tapestry` (tsx); deterministic (seeded), so a rerun gives the same bytes.
//
// Follows transkatgirl/Tapestry-Loom's reworked tapestry-weave crate (the layout and its sources are listed in
// src/tapestry-weave-layout.ts): migrations/mod.rs at e38c10b9000c (to_bytes_in: magic, FORMAT_VERSION u64 LE, the rkyv
// archive of TapestryWeaveInner; to_json: {"version": FORMAT_VERSION, "data": <the weave's serde form>}), weave/mod.rs
// at 99024cfc0c8b (FORMAT_VERSION = 1; random u64 node ids), content/mod.rs at 02fcfed85d63 (node contents, tokens with
// Option<f32> logprobs and entropy, counterfactuals, OriginalToken::Known {bytes, id, offset} after a split, Creator
// Model / User / Unknown), metadata.rs (WeaveMetadata with converted_from, metadata and aux_metadata) and util.rs at
// 2c9699e47694 (BinaryZoned {secs, nanos, timezone: "" for UTC}; IAsVec maps as entry lists). jiff's Zoned prints as
// "2025-06-01T10:00:00-04:00[America/New_York]" in the JSON form. The archive is written by the test encoder
// (src/test-support/rkyv-write.ts, rkyv 0.8's wire rules), not by the tool: no weave saved by the app is public.
import { writeFileSync } from "node:fs";
import { seededRandom } from "@loom/core/internal";
import { shortestF32 } from "../src/rkyv-read.js";
import { TAPESTRY_BINARY_MAGIC } from "../src/tapestry-binary-layout.js";
import { TAPESTRY_WEAVE_VERSION, tapestryWeaveInner } from "../src/tapestry-weave-layout.js";
import { writeRkyv } from "../src/test-support/rkyv-write.js";

const out = new URL("../src/__fixtures__/foreign/", import.meta.url);
const WORDS = "the harbor keeper lamp salt wind tide rope gull stone night water boat light bell fog".split(" ");

/** An instant in a zone, both as jiff prints it (JSON) and as BinaryZoned (archive). */
interface Stamp {
  text: string;
  secs: bigint;
  nanos: number;
  timezone: string;
}
const newYork = (local: string, offset = "-04:00"): Stamp => ({
  text: `${local}${offset}[America/New_York]`,
  secs: BigInt(Date.parse(`${local}${offset}`) / 1000),
  nanos: 0,
  timezone: "America/New_York",
});
const utc = (local: string, nanos = 0): Stamp => ({
  text: `${local}${nanos ? `.${String(nanos).padStart(9, "0").replace(/0+$/, "")}` : ""}+00:00[UTC]`, // jiff trims zeros
  secs: BigInt(Date.parse(`${local}Z`) / 1000),
  nanos,
  timezone: "",
});

interface Alt {
  bytes: Buffer;
  logprob: number | null;
  id: number | null;
}
interface Tok extends Alt {
  entropy: number | null;
  counterfactual: Alt[];
  original: "Unmodified" | "Unknown" | { bytes: Buffer; id: number | null; offset: number };
}
type Content = { Snippet: Buffer } | { Tokens: Tok[] } | "MetadataOnly";
interface Who {
  label: string;
  color: string | null;
  identifier: bigint | null;
  metadata: [string, string][];
  seed?: number | null;
  system_fingerprint?: string | null;
  finish_reason?: string | null;
}
type Creator = { Model: Who | null } | { User: Who | null } | "Unknown";
interface WeaveNode {
  id: bigint;
  from: bigint[];
  to: bigint[];
  active: boolean;
  bookmarked: boolean;
  timestamp: Stamp;
  modified: boolean;
  content: Content;
  metadata: [string, string][];
  creator: Creator;
}

/** f32 as the tool keeps it, printed as serde_json prints an f32 (shortest round trip). */
const f32 = (x: number) => shortestF32(Math.fround(x));
const u64 = (rand: () => number) =>
  (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32)) || 1n;

function token(rand: () => number, bytes: Buffer, alts: number, withLogprob = true): Tok {
  const lp = f32(-Math.round(rand() * 500) / 100);
  return {
    bytes,
    logprob: withLogprob ? lp : null,
    id: Math.floor(rand() * 50000),
    entropy: withLogprob ? f32(Math.round(rand() * 300) / 100) : null,
    counterfactual: Array.from({ length: alts }, () => ({
      bytes: Buffer.from(` ${WORDS[Math.floor(rand() * WORDS.length)]}`),
      logprob: f32(lp - Math.round(rand() * 400) / 100),
      id: Math.floor(rand() * 50000),
    })),
    original: "Unmodified",
  };
}

const MODEL: Who = {
  label: "Llama-3.1-8B",
  color: "#7aa2f7",
  identifier: 0x0193_7b2a_41c0_7d11_8e2f_6a5b_4c3d_2e1fn,
  seed: 7,
  system_fingerprint: "b4012-cpu",
  finish_reason: "length",
  metadata: [["backend", "llama.cpp"]],
};

function node(id: bigint, parent: bigint | null, content: Content, creator: Creator, timestamp: Stamp): WeaveNode {
  return {
    id,
    from: parent === null ? [] : [parent],
    to: [],
    active: false,
    bookmarked: false,
    timestamp,
    modified: false,
    content,
    metadata: [],
    creator,
  };
}

class Weave {
  readonly nodes = new Map<bigint, WeaveNode>();
  roots: bigint[] = [];
  bookmarked: bigint[] = [];
  add(n: WeaveNode): bigint {
    this.nodes.set(n.id, n);
    if (n.from.length === 0) this.roots.push(n.id);
    for (const p of n.from) this.nodes.get(p)!.to.push(n.id);
    return n.id;
  }
  /** Activates the path from `tip` up through each node's first parent (IndependentWeave: the whole thread). */
  activate(tip: bigint): void {
    for (let at: bigint | undefined = tip; at !== undefined; at = this.nodes.get(at)!.from[0])
      this.nodes.get(at)!.active = true;
  }
  bookmark(id: bigint): void {
    this.nodes.get(id)!.bookmarked = true;
    this.bookmarked.push(id);
  }
}

function grow(rand: () => number, count: number): { weave: Weave; ids: bigint[] } {
  const weave = new Weave();
  const root = weave.add(
    node(
      u64(rand),
      null,
      { Snippet: Buffer.from("The harbor at dusk") },
      { User: null },
      newYork("2025-06-01T10:00:00"),
    ),
  );
  const ids = [root];
  while (ids.length < count) {
    const parent = ids[Math.floor(rand() * ids.length)]!;
    const tokens = Array.from({ length: 3 + Math.floor(rand() * 5) }, () =>
      token(rand, Buffer.from(` ${WORDS[Math.floor(rand() * WORDS.length)]}`), 1 + Math.floor(rand() * 4)),
    );
    ids.push(weave.add(node(u64(rand), parent, { Tokens: tokens }, { Model: MODEL }, utc("2025-06-01T14:01:00"))));
  }
  return { weave, ids };
}

// ---------------------------------------------------------------- the two forms

const b64 = (b: Buffer) => b.toString("base64");
const ZERO_SET: [bigint, null][] = [];
const set = (ids: bigint[]) => (ids.length === 0 ? ZERO_SET : ids.map((i) => [i, null] as [bigint, null]));
const entries = (m: [string, string][]) => m.map(([key, value]) => ({ key, value }));
const zoned = (s: Stamp) => ({ secs: s.secs, nanos: s.nanos, timezone: s.timezone });

const archivedAlt = (a: Alt) => ({ bytes: a.bytes, logprob: a.logprob, id: a.id === null ? null : BigInt(a.id) });
function archivedContent(c: Content): unknown {
  if (c === "MetadataOnly") return { variant: "MetadataOnly" };
  if ("Snippet" in c) return { variant: "Snippet", fields: { 0: c.Snippet } };
  const tokens = c.Tokens.map((t) => ({
    ...archivedAlt(t),
    entropy: t.entropy,
    counterfactual: t.counterfactual.map(archivedAlt),
    original:
      typeof t.original === "string"
        ? { variant: t.original }
        : {
            variant: "Known",
            fields: {
              bytes: t.original.bytes,
              id: t.original.id === null ? null : BigInt(t.original.id),
              offset: t.original.offset,
            },
          },
  }));
  return { variant: "Tokens", fields: { 0: tokens } };
}
function archivedWho(w: Who | null, model: boolean): unknown {
  if (w === null) return null;
  const base = { label: w.label, color: w.color, identifier: w.identifier };
  return model
    ? {
        ...base,
        seed: w.seed ?? null,
        system_fingerprint: w.system_fingerprint ?? null,
        finish_reason: w.finish_reason ?? null,
        metadata: entries(w.metadata),
      }
    : { ...base, metadata: entries(w.metadata) };
}
function archivedCreator(c: Creator): unknown {
  if (c === "Unknown") return { variant: "Unknown" };
  if ("Model" in c) return { variant: "Model", fields: { 0: archivedWho(c.Model, true) } };
  return { variant: "User", fields: { 0: archivedWho(c.User, false) } };
}

interface WeaveMeta {
  title: string | null;
  description: string | null;
  created: Stamp;
  converted_from: {
    source: string;
    source_version: string | null;
    converter: string;
    converter_version: string | null;
    timestamp: Stamp;
  }[];
  metadata: [string, string][];
  aux_metadata: [string, Buffer][];
}

function archive(w: Weave, m: WeaveMeta): Buffer {
  const value = {
    nodes: [...w.nodes.values()].map((n) => [
      n.id,
      {
        id: n.id,
        from: set(n.from),
        to: set(n.to),
        active: n.active,
        bookmarked: n.bookmarked,
        contents: {
          timestamp: zoned(n.timestamp),
          modified: n.modified,
          content: archivedContent(n.content),
          metadata: entries(n.metadata),
          creator: archivedCreator(n.creator),
        },
      },
    ]),
    roots: set(w.roots),
    active: set([...w.nodes.values()].filter((n) => n.active).map((n) => n.id)),
    bookmarked: set(w.bookmarked),
    metadata: {
      title: m.title,
      description: m.description,
      created: zoned(m.created),
      converted_from: m.converted_from.map((f) => ({ ...f, timestamp: zoned(f.timestamp) })),
      metadata: entries(m.metadata),
      aux_metadata: m.aux_metadata.map(([key, value]) => ({ key, value })),
    },
  };
  const head = Buffer.alloc(32);
  head.write(TAPESTRY_BINARY_MAGIC, 0, "latin1");
  head.writeBigUInt64LE(TAPESTRY_WEAVE_VERSION, 24);
  return Buffer.concat([head, writeRkyv(tapestryWeaveInner, value)]);
}

// serde_json writes u64/u128 as bare numbers: they are marked while building and unquoted at the end.
const big = (n: bigint) => `@@${n}@@`;
const jsonAlt = (a: Alt) => ({ bytes: b64(a.bytes), logprob: a.logprob, id: a.id });
function jsonContent(c: Content): unknown {
  if (c === "MetadataOnly") return c;
  if ("Snippet" in c) return { Snippet: b64(c.Snippet) };
  return {
    Tokens: c.Tokens.map((t) => ({
      ...jsonAlt(t),
      entropy: t.entropy,
      counterfactual: t.counterfactual.map(jsonAlt),
      original:
        typeof t.original === "string"
          ? t.original
          : { Known: { bytes: b64(t.original.bytes), id: t.original.id, offset: t.original.offset } },
    })),
  };
}
function jsonWho(w: Who | null, model: boolean): unknown {
  if (w === null) return null;
  const base = { label: w.label, color: w.color, identifier: w.identifier === null ? null : big(w.identifier) };
  const metadata = Object.fromEntries(w.metadata);
  return model
    ? {
        ...base,
        seed: w.seed ?? null,
        system_fingerprint: w.system_fingerprint ?? null,
        finish_reason: w.finish_reason ?? null,
        metadata,
      }
    : { ...base, metadata };
}
function jsonCreator(c: Creator): unknown {
  if (c === "Unknown") return c;
  if ("Model" in c) return { Model: jsonWho(c.Model, true) };
  return { User: jsonWho(c.User, false) };
}

function json(w: Weave, m: WeaveMeta, indent: number): string {
  const nodes = Object.fromEntries(
    [...w.nodes.values()].map((n) => [
      String(n.id),
      {
        id: big(n.id),
        from: n.from.map(big),
        to: n.to.map(big),
        active: n.active,
        bookmarked: n.bookmarked,
        contents: {
          timestamp: n.timestamp.text,
          modified: n.modified,
          content: jsonContent(n.content),
          metadata: Object.fromEntries(n.metadata),
          creator: jsonCreator(n.creator),
        },
      },
    ]),
  );
  const data = {
    nodes,
    roots: w.roots.map(big),
    active: [...w.nodes.values()].filter((n) => n.active).map((n) => big(n.id)),
    bookmarked: w.bookmarked.map(big),
    metadata: {
      title: m.title,
      description: m.description,
      created: m.created.text,
      converted_from: m.converted_from.map((f) => ({ ...f, timestamp: f.timestamp.text })),
      metadata: Object.fromEntries(m.metadata),
      aux_metadata: Object.fromEntries(m.aux_metadata.map(([k, v]) => [k, [...v]])),
    },
  };
  const text = JSON.stringify({ version: Number(TAPESTRY_WEAVE_VERSION), data }, null, indent);
  return `${text.replace(/"@@(\d+)@@"/g, "$1")}\n`;
}

function write(name: string, w: Weave, m: WeaveMeta, indent: number): void {
  writeFileSync(new URL(`${name}.tapestry`, out), archive(w, m));
  writeFileSync(new URL(`${name}.weave.json`, out), json(w, m, indent));
}

// ---------------------------------------------------------------- the fixtures

function small(): void {
  const rand = seededRandom(53);
  const { weave, ids } = grow(rand, 6);
  const [root, a, b] = [ids[0]!, ids[1]!, ids[2]!];
  // A node with two parents (a weave is a graph), written by a named user with metadata.
  const shared = weave.add({
    ...node(
      u64(rand),
      a,
      { Snippet: Buffer.from(" and the bell rang.") },
      { User: { label: "kat", color: "#f7768e", identifier: null, metadata: [["pronouns", "she/her"]] } },
      newYork("2025-06-01T10:05:00"),
    ),
    from: [a, b],
  });
  // A metadata-only placeholder with node metadata, by an unknown creator.
  const empty = weave.add({
    ...node(u64(rand), root, "MetadataOnly", "Unknown", utc("2025-06-01T14:06:00", 250_000_000)),
    metadata: [["note", "a placeholder"]],
  });
  // A token split by the editor: the left part of " café" keeps the original token (Known, offset 0), the right part
  // starts a node of its own at offset 3 (content/mod.rs InnerNodeContent::split), followed by a token without a
  // logprob (NaN in the archive); both by a model with no details.
  const cafe = Buffer.from(" café", "utf8");
  const whole = token(rand, cafe, 2);
  const left: Tok = {
    ...whole,
    bytes: cafe.subarray(0, 3),
    id: null,
    original: { bytes: cafe, id: whole.id, offset: 0 },
  };
  const split = weave.add({
    ...node(u64(rand), root, { Tokens: [left] }, { Model: null }, utc("2025-06-01T14:07:00")),
    modified: true,
  });
  const right: Tok = {
    ...whole,
    bytes: cafe.subarray(3),
    id: null,
    original: { bytes: cafe, id: whole.id, offset: 3 },
  };
  const quiet = token(rand, Buffer.from(" quiet"), 0, false);
  weave.add({
    ...node(u64(rand), split, { Tokens: [right, quiet] }, { Model: null }, utc("2025-06-01T14:07:00")),
    modified: true,
  });
  void empty;
  weave.activate(shared);
  weave.bookmark(b);
  weave.bookmark(shared);
  write(
    "tapestry-v1-harbor",
    weave,
    {
      title: "Harbor",
      description: "a small weave in the format Tapestry Loom saves today",
      created: newYork("2025-06-01T10:00:00"),
      converted_from: [
        {
          source: "Tapestry Loom",
          source_version: "0",
          converter: "tapestry-weave",
          converter_version: "0.1.0",
          timestamp: utc("2025-06-02T09:00:00"),
        },
      ],
      metadata: [["genre", "sea story"]],
      aux_metadata: [["tapestry-loom.layout", Buffer.from([1, 2, 3, 250])]],
    },
    2,
  );
}

function large(): void {
  const rand = seededRandom(59);
  const { weave, ids } = grow(rand, 600);
  weave.activate(ids[ids.length - 1]!);
  weave.bookmark(ids[10]!);
  weave.bookmark(ids[20]!);
  write(
    "tapestry-v1-large",
    weave,
    {
      title: null,
      description: null,
      created: utc("2025-06-01T14:00:00"),
      converted_from: [],
      metadata: [],
      aux_metadata: [],
    },
    0,
  );
}

small();
large();
