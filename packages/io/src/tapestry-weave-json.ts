// The decoded archive of a current binary Tapestry weave (format version 1, tapestry-weave-layout.ts) in the weave's JSON
// form, for the JSON weave's mapping (tapestry-import.ts): the fields TapestryWeaveInner's serde writes, by the same names.
import type { CheckSite, Json } from "./foreign-check.js";
import type { RkyvVariant } from "./rkyv-read.js";
import { b64, contentJson, entryObject, safe, weaveJson, zonedText } from "./tapestry-binary-values.js";

/** A token id (Option<u64>) as a number, or null when absent or beyond a double's exact range. */
const tokenId = (v: unknown) => (v === null ? null : (safe(v) ?? null));

function token(t: Json): Json {
  const original = t.original as RkyvVariant;
  const known = original.fields;
  return {
    bytes: b64(t.bytes),
    logprob: t.logprob,
    id: tokenId(t.id),
    entropy: t.entropy,
    counterfactual: (t.counterfactual as Json[]).map((c) => ({
      bytes: b64(c.bytes),
      logprob: c.logprob,
      id: tokenId(c.id),
    })),
    original:
      original.variant === "Known"
        ? { Known: { bytes: b64(known.bytes), id: tokenId(known.id), offset: known.offset } }
        : original.variant,
  };
}

const content = (c: RkyvVariant) => contentJson(c, token);

function creator(c: RkyvVariant): unknown {
  if (c.variant === "Unknown") return "Unknown";
  const who = c.fields["0"] as Json | null;
  if (who === null) return { [c.variant]: null };
  return {
    [c.variant]: {
      ...who,
      identifier: who.identifier === null ? null : String(who.identifier),
      metadata: entryObject(who.metadata),
    },
  };
}

/** The archive's root as the JSON weave: {nodes, roots, active, bookmarked, metadata}. */
export const currentWeaveAsJson = (root: Json, site: CheckSite): Json =>
  weaveJson(root, site, {
    timestamp: (t) => zonedText(t as Json),
    content,
    creator,
    metadata: (m) => entryObject(m),
    // Vec<u8>: serde writes a list of numbers
    extra: (m) => ({ aux_metadata: entryObject(m.aux_metadata, (v) => [...(v as Uint8Array)]) }),
  });
