// Test-only: a binary .tapestry weave made from one of the JSON weave fixtures (__fixtures__/foreign/tapestry-*.json).
// No .tapestry file saved by the real Tapestry Loom can be had offline (the repository's example weaves are stored
// without their bytes), so these files are written by our encoder (rkyv-write.ts) from the documented wire rules and
// the layout in tapestry-binary-layout.ts — they check the reader against those rules, not against the tool itself.
// What the binary layout has no field for (the JSON fixtures' Model.system_fingerprint and Model.finish_reason, an
// Author's metadata) is left out and listed in `dropped`; floats become the f32 the tool keeps. `json` is that same
// weave in JSON form, so a test can check that both forms give one Loom.
import { quoteBigIntegers } from "../big-int-json.js";
import { shortestF32 } from "../rkyv-read.js";
import { TAPESTRY_BINARY_MAGIC } from "../tapestry-binary-layout.js";
import { independentWeave } from "../tapestry-binary-layout.js";
import { zonedText } from "../tapestry-binary-values.js";
import { writeRkyv } from "./rkyv-write.js";

// biome-ignore lint/suspicious/noExplicitAny: the fixtures are untyped JSON
type J = any;

const f32 = (x: number | null | undefined) => (x === null || x === undefined ? null : shortestF32(Math.fround(x)));
const b = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
const pairs = (o: Record<string, string> | undefined): [string, string][] => Object.entries(o ?? {});
const idSet = (list: unknown[]) => list.map((x) => [BigInt(String(x)), null]);
const optBig = (x: unknown) => (x === null || x === undefined ? null : BigInt(String(x)));

/** A jiff Zoned string ("2025-06-01T10:00:00-04:00[America/New_York]") as tapestry-weave's BinaryZoned. */
function binaryZoned(s: string): J {
  const zone = /\[([^\]]*)\]$/.exec(s)?.[1] ?? "";
  const ms = Date.parse(s.replace(/\[[^\]]*\]$/, ""));
  return {
    secs: BigInt(Math.floor(ms / 1000)),
    nanos: (((ms % 1000) + 1000) % 1000) * 1e6,
    timezone: zone === "UTC" ? "" : zone,
  };
}

export interface BinaryWeave {
  /** The .tapestry file: header and archive. */
  bytes: Buffer;
  /** The same weave as a JSON weave's text. */
  json: string;
  /** Fields of the JSON fixture the binary form has no place for, by name. */
  dropped: string[];
}

/** The header (magic and format version) followed by `archive`. */
export function withHeader(archive: Uint8Array, version = 2n): Buffer {
  const head = Buffer.alloc(32);
  head.write(TAPESTRY_BINARY_MAGIC, 0, "latin1");
  head.writeBigUInt64LE(version, 24);
  return Buffer.concat([head, archive]);
}

export function tapestryBinaryOf(weaveText: string): BinaryWeave {
  const weave: J = JSON.parse(quoteBigIntegers(weaveText));
  const dropped = new Set<string>();
  const nodes: [bigint, J][] = [];
  const jsonNodes: J = {};
  for (const [key, n] of Object.entries<J>(weave.nodes)) {
    const c = n.contents;
    let content: J;
    let jsonContent: J = c.content;
    if (c.content === "MetadataOnly") content = { variant: "MetadataOnly" };
    else if (c.content.Snippet !== undefined) content = { variant: "Snippet", fields: { 0: b(c.content.Snippet) } };
    else {
      const tokens = c.content.Tokens.map((t: J) => ({
        bytes: b(t.bytes),
        logprob: f32(t.logprob),
        id: optBig(t.id),
        metadata: pairs(t.metadata),
        entropy: f32(t.entropy),
        counterfactual: (t.counterfactual ?? []).map((a: J) => ({
          bytes: b(a.bytes),
          logprob: f32(a.logprob),
          id: optBig(a.id),
          metadata: pairs(a.metadata),
        })),
        original:
          typeof t.original === "object" && t.original !== null
            ? { variant: "Known", fields: { 0: b(t.original.Known) } }
            : { variant: t.original ?? "Unmodified" },
      }));
      content = { variant: "Tokens", fields: { 0: tokens } };
      jsonContent = {
        Tokens: c.content.Tokens.map((t: J) => ({
          ...t,
          logprob: f32(t.logprob),
          entropy: f32(t.entropy),
          counterfactual: (t.counterfactual ?? []).map((a: J) => ({ ...a, logprob: f32(a.logprob) })),
        })),
      };
    }
    let creator: J = { variant: "Unknown" };
    let jsonCreator: J = "Unknown";
    const model = c.creator?.Model;
    const human = c.creator?.User ?? c.creator?.Human;
    if (model !== undefined) {
      for (const k of Object.keys(model ?? {}))
        if (!["label", "color", "identifier", "seed", "metadata", "raw_query"].includes(k)) dropped.add(`Model.${k}`);
      const m = model && {
        label: model.label,
        color: model.color ?? null,
        identifier: optBig(model.identifier),
        seed: model.seed ?? null,
        metadata: pairs(model.metadata),
        raw_query: null,
      };
      creator = { variant: "Model", fields: { 0: m } };
      jsonCreator = {
        Model: m && { ...m, identifier: model.identifier ?? null, metadata: model.metadata ?? {} },
      };
    } else if (human !== undefined) {
      for (const k of Object.keys(human ?? {}))
        if (!["label", "color", "identifier"].includes(k)) dropped.add(`Author.${k}`);
      const a = human && { label: human.label, color: human.color ?? null, identifier: optBig(human.identifier) };
      creator = { variant: "Human", fields: { 0: a } };
      jsonCreator = { Human: a && { ...a, identifier: human.identifier ?? null } };
    }
    nodes.push([
      BigInt(key),
      {
        id: BigInt(String(n.id)),
        from: idSet(n.from),
        to: idSet(n.to),
        active: n.active,
        bookmarked: n.bookmarked,
        contents: {
          timestamp: c.timestamp,
          modified: c.modified,
          content,
          metadata: pairs(c.metadata),
          creator,
        },
      },
    ]);
    jsonNodes[key] = { ...n, contents: { ...c, content: jsonContent, creator: jsonCreator } };
  }
  const m = weave.metadata;
  const created = binaryZoned(m.created);
  const archive = writeRkyv(independentWeave, {
    nodes,
    roots: idSet(weave.roots),
    active: idSet(weave.active),
    bookmarked: idSet(weave.bookmarked),
    metadata: {
      title: m.title ?? null,
      description: m.description ?? null,
      created,
      converted_from: [],
      metadata: pairs(m.metadata),
    },
  });
  if ((m.converted_from ?? []).length > 0) dropped.add("metadata.converted_from");
  const json = { ...weave, nodes: jsonNodes, metadata: { ...m, created: zonedText(created), converted_from: [] } };
  return { bytes: withHeader(archive), json: JSON.stringify(json), dropped: [...dropped].sort() };
}
