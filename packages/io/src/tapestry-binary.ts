// Reads a binary Tapestry Loom weave (.tapestry) as a Loom: checks the header, decodes the rkyv archive by the layout of
// its format version — 1, what Tapestry Loom writes today (tapestry-weave-layout.ts), or 2, the IndependentWeave of
// tapestry-weave 01f907557a9c (tapestry-binary-layout.ts) — and hands the weave in its JSON form to the JSON weave's
// mapping (tapestry-import.ts), so both forms of one weave give the same Loom.
import type { CheckSite, Json } from "./foreign-check.js";
import { refuse } from "./foreign-check.js";
import type { ForeignImport } from "./foreign-loom.js";
import type { ImportFormat } from "./import-detect.js";
import { RkyvReader, type RkyvVariant } from "./rkyv-read.js";
import {
  independentWeave,
  TAPESTRY_BINARY_MAGIC,
  TAPESTRY_HEADER_BYTES,
  TAPESTRY_INDEPENDENT_VERSION,
} from "./tapestry-binary-layout.js";
import { b64, contentJson, safe, strings, weaveJson } from "./tapestry-binary-values.js";
import { convertTapestryWeave, type TapestryOptions } from "./tapestry-import.js";
import { currentWeaveAsJson } from "./tapestry-weave-json.js";
import { TAPESTRY_WEAVE_VERSION, tapestryWeaveInner } from "./tapestry-weave-layout.js";

const MAGIC = new TextEncoder().encode(TAPESTRY_BINARY_MAGIC);

/** Whether `bytes` start with the .tapestry magic. */
export const isTapestryBinary = (bytes: Uint8Array) =>
  bytes.byteLength >= MAGIC.byteLength && MAGIC.every((b, i) => bytes[i] === b);

type Pairs = [unknown, unknown][];

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

const content = (c: RkyvVariant) => contentJson(c, token);

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
export const weaveAsJson = (root: Json, site: CheckSite): Json =>
  weaveJson(root, site, { timestamp: (t) => t, content, creator, metadata: strings });

/** The import format of each binary version Loom reads. */
export const TAPESTRY_BINARY_FORMATS = {
  [String(TAPESTRY_WEAVE_VERSION)]: "tapestry-binary-v1",
  [String(TAPESTRY_INDEPENDENT_VERSION)]: "tapestry-binary",
} as const satisfies Record<string, ImportFormat>;

const VERSION_NOTE: Record<string, string> = {
  "0": " (the legacy weave)",
};

/**
 * Import a binary .tapestry file (its bytes), reading the layout its header names; refuses other versions and any
 * damage, naming field and byte. Returns the format found, so a caller can say which version it was.
 */
export function convertTapestryBinary(
  bytes: Uint8Array,
  site: CheckSite,
  options: TapestryOptions,
): ForeignImport & { format: (typeof TAPESTRY_BINARY_FORMATS)[string] } {
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
  const format = TAPESTRY_BINARY_FORMATS[String(version)];
  if (format === undefined)
    refuse(
      site,
      "(header) format version",
      `is ${version}${VERSION_NOTE[String(version)] ?? ""}, which Loom does not read`,
      `version ${TAPESTRY_WEAVE_VERSION} (what Tapestry Loom writes today) or ${TAPESTRY_INDEPENDENT_VERSION} (the IndependentWeave of tapestry-weave 01f907557a9c); for another version, run Tapestry Loom's migration-assistant --output-debug-json and import the .json`,
    );
  // Version 1 also named the short-lived DependentWeave of 01f907557a9c: such a file fails the layout checks below.
  const reader = new RkyvReader(bytes.subarray(TAPESTRY_HEADER_BYTES), site, TAPESTRY_HEADER_BYTES);
  const json =
    format === "tapestry-binary-v1"
      ? currentWeaveAsJson(reader.root(tapestryWeaveInner, "weave") as Json, site)
      : weaveAsJson(reader.root(independentWeave, "weave") as Json, site);
  return { format, ...convertTapestryWeave(json, site, options) };
}
