// The layout of a binary Tapestry Loom weave (.tapestry), as Tapestry-Loom's tapestry-weave crate archives it with rkyv.
//
// Sources (transkatgirl/Tapestry-Loom at 01f907557a9c unless said otherwise):
// - tapestry-weave/src/lib.rs: a file is the 24 bytes "VersionedTapestryWeave__", the format version as a u64
//   little-endian, then the rkyv archive (VersionedWeave::from_bytes; the header is universal-weave's
//   src/versioning.rs VersionedBytes, which needs ≥ 32 bytes). Version 0 is the legacy ULID weave, 1 the
//   DependentWeave, 2 the IndependentWeave (v1::independent::TapestryWeave::to_versioned_bytes writes 2).
// - tapestry-weave/Cargo.toml: rkyv 0.8 with features little_endian, aligned, pointer_width_32, indexmap-2.
// - tapestry-weave/src/v1/independent.rs: the archive's root is IndependentWeave<u64, NodeContent, WeaveMetadata,
//   BuildHasherDefault<RandomIdHasher>>, whose fields are in transkatgirl/universal-weave src/independent/mod.rs:
//   nodes: HashMap<u64, IndependentNode>, roots: IndexSet<u64>, active: HashSet<u64>, bookmarked: IndexSet<u64>,
//   metadata (the scratchpad fields are `#[rkyv(with = Skip)]`); a node is {id, from: IndexSet, to: IndexSet,
//   active, bookmarked, contents}.
// - tapestry-weave/src/v1/content.rs: NodeContent {timestamp (AsTemporal: the Temporal string, wrappers.rs),
//   modified, content, metadata, creator}; InnerNodeContent Snippet(Vec<u8>) | Tokens(Vec<InnerNodeToken>) |
//   MetadataOnly; InnerNodeToken {bytes, logprob: f32, id: Option<u64>, metadata, entropy (NicheInto<NaN>),
//   counterfactual: Arc<Vec<CounterfactualToken>>, original: Unmodified | Known(Vec<u8>) | Unknown};
//   CounterfactualToken {bytes, logprob, id, metadata}; Creator Model(Option<Model>) | Human(Option<Author>) |
//   Unknown; Model {label, color, identifier (NicheInto<Zero>), seed: Option<u32>, metadata, raw_query:
//   Option<RawQuery {request: Arc<Vec<u8>>, response: Vec<u8>}>}; Author {label, color, identifier}.
// - tapestry-weave/src/v1/metadata.rs (at 186e15c96b5f; not stored at 01f907): MetadataMap = IndexMap<String,
//   String>; WeaveMetadata {title, description, created (AsBinaryZoned), converted_from: Vec<ConvertedFrom
//   {source, source_version, converter, converter_version, timestamp (AsBinaryZoned)}>, metadata};
//   wrappers.rs (at 10279356a1c8): BinaryZoned {secs: i64, nanos: i32, timezone: String ("" for UTC)}.
// The crate marked this format "Experimental & untested" and its fields moved between commits: a weave saved by
// another commit fails the layout checks and is refused with the field and byte where it stopped fitting. The newer
// crate restarted at FORMAT_VERSION 1 with a reworked layout: that is tapestry-weave-layout.ts.
import {
  arc,
  bool,
  bytes,
  enumOf,
  f32,
  f32OrNaN,
  hashMap,
  hashSet,
  i32,
  i64,
  indexMap,
  indexSet,
  type Layout,
  option,
  string,
  struct,
  u32,
  u64,
  u128OrZero,
  vec,
} from "./rkyv-layout.js";

/** The first bytes of a binary .tapestry file (tapestry-weave's FORMAT_IDENTIFIER). */
export const TAPESTRY_BINARY_MAGIC = "VersionedTapestryWeave__";
/** The header: the magic, then the format version (u64 little-endian). */
export const TAPESTRY_HEADER_BYTES = 32;
/** The version this layout reads: v1::independent's IndependentWeave. */
export const TAPESTRY_INDEPENDENT_VERSION = 2n;

const metadataMap = indexMap(string, string);

export const binaryZoned = struct("BinaryZoned", [
  ["secs", i64],
  ["nanos", i32],
  ["timezone", string],
]);

const counterfactualToken = struct("CounterfactualToken", [
  ["bytes", bytes],
  ["logprob", f32],
  ["id", option(u64)],
  ["metadata", metadataMap],
]);

const token = struct("InnerNodeToken", [
  ["bytes", bytes],
  ["logprob", f32],
  ["id", option(u64)],
  ["metadata", metadataMap],
  ["entropy", f32OrNaN],
  ["counterfactual", arc(vec(counterfactualToken))],
  [
    "original",
    enumOf("OriginalToken", [
      ["Unmodified", []],
      ["Known", [["0", bytes]]],
      ["Unknown", []],
    ]),
  ],
]);

const model = struct("Model", [
  ["label", string],
  ["color", option(string)],
  ["identifier", u128OrZero],
  ["seed", option(u32)],
  ["metadata", metadataMap],
  [
    "raw_query",
    option(
      struct("RawQuery", [
        ["request", arc(bytes)],
        ["response", bytes],
      ]),
    ),
  ],
]);

const author = struct("Author", [
  ["label", string],
  ["color", option(string)],
  ["identifier", u128OrZero],
]);

/** NodeContent: both versions hold these fields in this order; the types inside changed between them. */
export function nodeContentOf(
  timestamp: Layout,
  token: Layout,
  metadata: Layout,
  model: Layout,
  human: [variant: string, author: Layout],
): Layout {
  return struct("NodeContent", [
    ["timestamp", timestamp],
    ["modified", bool],
    [
      "content",
      enumOf("InnerNodeContent", [
        ["Snippet", [["0", bytes]]],
        ["Tokens", [["0", vec(token)]]],
        ["MetadataOnly", []],
      ]),
    ],
    ["metadata", metadata],
    [
      "creator",
      enumOf("Creator", [
        ["Model", [["0", option(model)]]],
        [human[0], [["0", option(human[1])]]],
        ["Unknown", []],
      ]),
    ],
  ]);
}

const nodeContent = nodeContentOf(string, token, metadataMap, model, ["Human", author]);

/** ConvertedFrom (metadata.rs): one format conversion the weave went through; the same in both versions. */
export const convertedFrom = struct("ConvertedFrom", [
  ["source", string],
  ["source_version", option(string)],
  ["converter", string],
  ["converter_version", option(string)],
  ["timestamp", binaryZoned],
]);

/**
 * universal_weave's IndependentWeave around a version's node contents and weave metadata: its archived fields
 * (nodes, roots, active, bookmarked, metadata; the scratchpads are skipped) are the same in both versions.
 */
export function independentWeaveOf(name: string, contents: Layout, metadata: Layout): Layout {
  const node = struct("IndependentNode", [
    ["id", u64],
    ["from", indexSet(u64)],
    ["to", indexSet(u64)],
    ["active", bool],
    ["bookmarked", bool],
    ["contents", contents],
  ]);
  return struct(name, [
    ["nodes", hashMap(u64, node)],
    ["roots", indexSet(u64)],
    ["active", hashSet(u64)],
    ["bookmarked", indexSet(u64)],
    ["metadata", metadata],
  ]);
}

const weaveMetadata = struct("WeaveMetadata", [
  ["title", option(string)],
  ["description", option(string)],
  ["created", binaryZoned],
  ["converted_from", vec(convertedFrom)],
  ["metadata", metadataMap],
]);

/** The archive's root for format version 2. */
export const independentWeave: Layout = independentWeaveOf("IndependentWeave", nodeContent, weaveMetadata);
