// Reads a binary Tapestry Loom weave (.tapestry, format version 2) as a Loom: checks the header, decodes the rkyv
// archive by the layout in tapestry-binary-layout.ts, and hands the weave in its JSON form to the JSON weave's
// mapping (tapestry-import.ts), so both forms of one weave give the same Loom.
import type { CheckSite, Json } from "./foreign-check.js";
import { refuse } from "./foreign-check.js";
import type { ForeignImport } from "./foreign-loom.js";
import { RkyvReader, type RkyvVariant } from "./rkyv-read.js";
import {
  independentWeave,
  TAPESTRY_BINARY_MAGIC,
  TAPESTRY_HEADER_BYTES,
  TAPESTRY_INDEPENDENT_VERSION,
} from "./tapestry-binary-layout.js";
import { convertTapestryWeave, type TapestryOptions } from "./tapestry-import.js";

const MAGIC = new TextEncoder().encode(TAPESTRY_BINARY_MAGIC);

/** Whether `bytes` start with the .tapestry magic. */
export const isTapestryBinary = (bytes: Uint8Array) =>
  bytes.byteLength >= MAGIC.byteLength && MAGIC.every((b, i) => bytes[i] === b);

type Pairs = [unknown, unknown][];
const b64 = (b: unknown) => Buffer.from(b as Uint8Array).toString("base64");
const id = (v: unknown) => (v as bigint).toString();
const ids = (set: unknown) => (set as Pairs).map(([k]) => id(k));
const strings = (map: unknown): Json => Object.fromEntries((map as Pairs).map(([k, v]) => [k as string, v]));
const safe = (v: unknown) => (typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined);

/** A BinaryZoned as an instant with its zone in brackets ("2025-06-01T14:00:00.000Z[America/New_York]"). */
export function zonedText(z: Json): string {
  const ms = Number(z.secs as bigint) * 1000 + Math.trunc((z.nanos as number) / 1e6);
  const iso = Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${String(z.secs)}s`;
  return z.timezone === "" ? iso : `${iso}[${z.timezone as string}]`;
}

function token(t: Json): Json {
  const out: Json = { bytes: b64(t.bytes), logprob: t.logprob };
  const tid = safe(t.id);
  if (tid !== undefined) out.id = tid;
  out.entropy = t.entropy;
  out.counterfactual = (t.counterfactual as Json[]).map((c) => {
    const alt: Json = { bytes: b64(c.bytes), logprob: c.logprob };
    const cid = safe(c.id);
    if (cid !== undefined) alt.id = cid;
    if ((c.metadata as Pairs).length > 0) alt.metadata = strings(c.metadata);
    return alt;
  });
  const original = t.original as RkyvVariant;
  out.original = original.variant === "Known" ? { Known: b64(original.fields["0"]) } : original.variant;
  if ((t.metadata as Pairs).length > 0) out.metadata = strings(t.metadata);
  return out;
}

function content(c: RkyvVariant): unknown {
  if (c.variant === "Snippet") return { Snippet: b64(c.fields["0"]) };
  if (c.variant === "Tokens") return { Tokens: (c.fields["0"] as Json[]).map(token) };
  return "MetadataOnly";
}

function creator(c: RkyvVariant): unknown {
  if (c.variant === "Unknown") return "Unknown";
  const who = c.fields["0"] as Json | null;
  if (who === null) return { [c.variant]: null };
  const out: Json = { ...who, identifier: who.identifier === null ? null : String(who.identifier) };
  if ("metadata" in who) out.metadata = strings(who.metadata);
  if (isRaw(who.raw_query))
    out.raw_query = { request: b64(who.raw_query.request), response: b64(who.raw_query.response) };
  return { [c.variant]: out };
}

const isRaw = (v: unknown): v is Json => typeof v === "object" && v !== null && "request" in v;

/** The decoded archive in the JSON form (what TapestryWeave's serde writes), for the JSON weave's mapping. */
export function weaveAsJson(root: Json, site: CheckSite): Json {
  const nodes: Json = {};
  for (const [key, value] of root.nodes as Pairs) {
    const n = value as Json;
    const k = id(key);
    if (k in nodes) refuse(site, `nodes[${k}]`, "appears twice in the node table", "each node id once");
    const c = n.contents as Json;
    nodes[k] = {
      id: id(n.id),
      from: ids(n.from),
      to: ids(n.to),
      active: n.active,
      bookmarked: n.bookmarked,
      contents: {
        timestamp: c.timestamp,
        modified: c.modified,
        content: content(c.content as RkyvVariant),
        metadata: strings(c.metadata),
        creator: creator(c.creator as RkyvVariant),
      },
    };
  }
  const m = root.metadata as Json;
  return {
    nodes,
    roots: ids(root.roots),
    active: ids(root.active),
    bookmarked: ids(root.bookmarked),
    metadata: {
      title: m.title,
      description: m.description,
      created: zonedText(m.created as Json),
      converted_from: (m.converted_from as Json[]).map((f) => ({ ...f, timestamp: zonedText(f.timestamp as Json) })),
      metadata: strings(m.metadata),
    },
  };
}

/** Import a binary .tapestry file (its bytes); refuses other versions and any damage, naming field and byte. */
export function convertTapestryBinary(bytes: Uint8Array, site: CheckSite, options: TapestryOptions): ForeignImport {
  if (!isTapestryBinary(bytes))
    refuse(
      site,
      "(header)",
      "does not start with VersionedTapestryWeave__",
      "a binary Tapestry Loom weave (.tapestry)",
    );
  if (bytes.byteLength < TAPESTRY_HEADER_BYTES)
    refuse(site, "(header)", `ends after ${bytes.byteLength} bytes`, "the 24-byte magic and an 8-byte format version");
  const version = new DataView(bytes.buffer, bytes.byteOffset + 24, 8).getBigUint64(0, true);
  if (version !== TAPESTRY_INDEPENDENT_VERSION)
    refuse(
      site,
      "(header) format version",
      `is ${version}${version === 0n ? " (the legacy weave)" : version === 1n ? " (the DependentWeave of tapestry-weave 01f907557a9c, or the reworked weave newer Tapestry Loom writes as 1)" : ""}, which Loom does not read`,
      `version ${TAPESTRY_INDEPENDENT_VERSION} (the IndependentWeave); for another version, run Tapestry Loom's migration-assistant --output-debug-json and import the .json`,
    );
  const reader = new RkyvReader(bytes.subarray(TAPESTRY_HEADER_BYTES), site, TAPESTRY_HEADER_BYTES);
  const root = reader.root(independentWeave, "weave") as Json;
  return convertTapestryWeave(weaveAsJson(root, site), site, options);
}
