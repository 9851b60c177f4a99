// Decoded rkyv values of a binary Tapestry weave turned into what the weave's JSON form (serde) holds: ids as decimal
// text, bytes as base64, maps as objects, BinaryZoned instants as jiff's zoned text. Shared by both binary versions.
import { type CheckSite, type Json, refuse } from "./foreign-check.js";
import type { RkyvVariant } from "./rkyv-read.js";

type Pairs = [unknown, unknown][];

export const b64 = (b: unknown) => Buffer.from(b as Uint8Array).toString("base64");
export const id = (v: unknown) => (v as bigint).toString();
/** A decoded IndexSet / HashSet of ids. */
export const ids = (set: unknown) => (set as Pairs).map(([k]) => id(k));
/** A decoded IndexMap<String, String> (its [key, value] pairs) as an object. */
export const strings = (map: unknown): Json => Object.fromEntries((map as Pairs).map(([k, v]) => [k as string, v]));
/** An IndexMap archived `with = IAsVec` (a list of {key, value}) as an object, each value through `value`. */
export const entryObject = (list: unknown, value: (v: unknown) => unknown = (v) => v): Json =>
  Object.fromEntries((list as Json[]).map((e) => [e.key as string, value(e.value)]));
/** A u64 as a number when it is one exactly, else undefined. */
export const safe = (v: unknown) =>
  typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;

/** A zone's offset from UTC in minutes at instant `ms`, or null when the zone is not one this runtime knows. */
function offsetMinutes(zone: string, ms: number): number | null {
  try {
    const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(ms)
      .find((p) => p.type === "timeZoneName")?.value;
    const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? "");
    if (!m) return null;
    return m[1] === undefined ? 0 : (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  } catch {
    return null; // RangeError: an unknown zone name
  }
}

/**
 * A BinaryZoned as jiff prints a Zoned ("2025-06-01T10:00:00-04:00[America/New_York]", "…+00:00[UTC]"): local time,
 * offset, zone. A zone this runtime does not know keeps the UTC instant ("…Z[Mars/Olympus]"); an instant out of a
 * Date's range is given in seconds.
 */
export function zonedText(z: Json): string {
  const zone = z.timezone === "" ? "UTC" : (z.timezone as string);
  const nanos = z.nanos as number;
  const ms = Number(z.secs as bigint) * 1000 + Math.trunc(nanos / 1e6);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return `${String(z.secs)}s[${zone}]`;
  const offset = offsetMinutes(zone, ms);
  if (offset === null) return `${new Date(ms).toISOString()}[${zone}]`;
  const fraction = nanos > 0 && nanos < 1e9 ? `.${String(nanos).padStart(9, "0").replace(/0+$/, "")}` : "";
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${local}${fraction}${offset < 0 ? "-" : "+"}${hhmm}[${zone}]`;
}

/** How one binary version's node contents and weave metadata read as JSON (the rest of the weave is shared). */
export interface WeaveJsonParts {
  timestamp: (t: unknown) => unknown;
  content: (c: RkyvVariant) => unknown;
  creator: (c: RkyvVariant) => unknown;
  metadata: (m: unknown) => Json;
  /** Weave metadata fields beyond title, description, created, converted_from and metadata. */
  extra?: (m: Json) => Json;
}

/** A decoded IndependentWeave in the weave's JSON form {nodes, roots, active, bookmarked, metadata}. */
export function weaveJson(root: Json, site: CheckSite, parts: WeaveJsonParts): Json {
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
        timestamp: parts.timestamp(c.timestamp),
        modified: c.modified,
        content: parts.content(c.content as RkyvVariant),
        metadata: parts.metadata(c.metadata),
        creator: parts.creator(c.creator as RkyvVariant),
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
      metadata: parts.metadata(m.metadata),
      ...parts.extra?.(m),
    },
  };
}

/** InnerNodeContent as serde writes it, each token through `token`. */
export function contentJson(c: RkyvVariant, token: (t: Json) => Json): unknown {
  if (c.variant === "Snippet") return { Snippet: b64(c.fields["0"]) };
  if (c.variant === "Tokens") return { Tokens: (c.fields["0"] as Json[]).map(token) };
  return "MetadataOnly";
}
