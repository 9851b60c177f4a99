// The layout of the binary .tapestry weave that Tapestry Loom writes today (its reworked `weave` module, format version 1).
//
// Sources (transkatgirl/Tapestry-Loom; the newest stored files of the reworked crate):
// - tapestry-weave/src/migrations/mod.rs (at e38c10b9000c): TapestryWeave::to_bytes_in writes HEADER_MAGIC_BYTES
//   ("VersionedTapestryWeave__"), weave::FORMAT_VERSION as a u64 little-endian, then rkyv's archive of the
//   TapestryWeaveInner through the same writer (so the archive starts at byte 32); from_bytes reads that version and,
//   with the "v0" feature, an older one through its migration.
// - tapestry-weave/src/weave/mod.rs (at 0609c5c7eb78 and 99024cfc0c8b): FORMAT_VERSION = 1; TapestryWeaveInner =
//   universal_weave IndependentWeave<u64, NodeContent, WeaveMetadata, RandomIdHasher>, whose archived fields are
//   unchanged from tapestry-binary-layout.ts's (nodes, roots, active, bookmarked, metadata; scratchpads skipped).
// - tapestry-weave/src/content/mod.rs (at 02fcfed85d63; 53d2c9c5f0e9 has the same fields): NodeContent {timestamp
//   (AsBinaryZoned), modified, content, metadata (IAsVec), creator}; InnerNodeContent Snippet | Tokens | MetadataOnly;
//   InnerNodeToken {bytes, logprob: Option<f32> as NicheInto<NaN>, id: Option<u64>, entropy (NicheInto<NaN>),
//   counterfactual: Vec<CounterfactualToken {bytes, logprob (NicheInto<NaN>), id}>, original: Unmodified |
//   Known {bytes, id, offset: usize} | Unknown}; Creator Model(Option<Model>) | User(Option<Author>) | Unknown; Model
//   {label, color, identifier (NicheInto<Zero>), seed: Option<u32>, system_fingerprint, finish_reason, metadata};
//   Author {label, color, identifier, metadata}.
// - tapestry-weave/src/metadata.rs (the stored version naming crate::weave::FORMAT_VERSION): WeaveMetadata {title,
//   description, created (AsBinaryZoned), converted_from, metadata (IAsVec), aux_metadata: IndexMap<String, Vec<u8>>
//   (IAsVec)}; ConvertedFrom as before.
// - tapestry-weave/src/util.rs (at 2c9699e47694): IAsVec archives an IndexMap as a Vec of rkyv's `Entry {key, value}`
//   in insertion order; BinaryZoned {secs: i64, nanos: i32, timezone: String ("" for UTC)}.
// rkyv is built with pointer_width_32 (universal-weave's Cargo.toml), so a `usize` is archived as a u32.
import {
  bytes,
  enumOf,
  f32OrNaN,
  type Layout,
  option,
  string,
  struct,
  u32,
  u64,
  u128OrZero,
  vec,
} from "./rkyv-layout.js";
import { binaryZoned, convertedFrom, independentWeaveOf, nodeContentOf } from "./tapestry-binary-layout.js";

/** The format version this layout reads (weave::FORMAT_VERSION). */
export const TAPESTRY_WEAVE_VERSION = 1n;

/** An IndexMap archived `with = IAsVec`: its entries in order. */
const entries = (value: Layout) =>
  vec(
    struct("Entry", [
      ["key", string],
      ["value", value],
    ]),
  );
const metadataMap = entries(string);

const optionalId = option(u64);

const counterfactualToken = struct("CounterfactualToken", [
  ["bytes", bytes],
  ["logprob", f32OrNaN],
  ["id", optionalId],
]);

const token = struct("InnerNodeToken", [
  ["bytes", bytes],
  ["logprob", f32OrNaN],
  ["id", optionalId],
  ["entropy", f32OrNaN],
  ["counterfactual", vec(counterfactualToken)],
  [
    "original",
    enumOf("OriginalToken", [
      ["Unmodified", []],
      [
        "Known",
        [
          ["bytes", bytes],
          ["id", optionalId],
          ["offset", u32],
        ],
      ],
      ["Unknown", []],
    ]),
  ],
]);

const model = struct("Model", [
  ["label", string],
  ["color", option(string)],
  ["identifier", u128OrZero],
  ["seed", option(u32)],
  ["system_fingerprint", option(string)],
  ["finish_reason", option(string)],
  ["metadata", metadataMap],
]);

const author = struct("Author", [
  ["label", string],
  ["color", option(string)],
  ["identifier", u128OrZero],
  ["metadata", metadataMap],
]);

const nodeContent = nodeContentOf(binaryZoned, token, metadataMap, model, ["User", author]);

const weaveMetadata = struct("WeaveMetadata", [
  ["title", option(string)],
  ["description", option(string)],
  ["created", binaryZoned],
  ["converted_from", vec(convertedFrom)],
  ["metadata", metadataMap],
  ["aux_metadata", entries(bytes)],
]);

/** The archive's root for format version 1 (TapestryWeaveInner). */
export const tapestryWeaveInner: Layout = independentWeaveOf("TapestryWeaveInner", nodeContent, weaveMetadata);
