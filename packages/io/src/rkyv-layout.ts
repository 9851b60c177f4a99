// The archived layouts of rkyv 0.8 (little_endian, aligned, pointer_width_32 — the format Tapestry Loom builds rkyv
// with), as data: one description per type, from which the reader (rkyv-read.ts) and the test encoder work.
//
// Wire rules, each from rkyv/rkyv's source:
// - a primitive is stored little-endian at its natural alignment (u64/i64 align 8, u128 align 16, f32 align 4);
//   bool is one byte 0 or 1 (rkyv/src/impls/core/primitive.rs; rend with the `aligned` feature);
// - a struct is `repr(C)`: fields in declared order, each at the next multiple of its alignment, the size rounded up
//   to the largest alignment; `#[rkyv(with = Skip)]` fields are not archived at all (rkyv derive);
// - an enum is `repr(u8)`: each variant is a `repr(C)` struct whose first field is the u8 tag (declaration index),
//   the size the largest variant's; `Option<T>` is such an enum {None, Some(T)} (rkyv/src/option.rs);
// - a relative pointer is an i32 offset from the pointer's own position (rkyv/src/rel_ptr.rs);
// - `Vec<T>` is {ptr: relptr, len: u32} pointing at `len` contiguous archived T (rkyv/src/vec/mod.rs);
//   `Arc<T>` is {ptr: relptr} (rkyv/src/rc.rs), shared values written once;
// - `String` is 8 bytes (rkyv/src/string/repr.rs): inline when the first byte's top two bits are not 0b10 — up to 8
//   bytes, padded with 0xff; otherwise {len: u32 with 0b10 in bits 6–7 of the first byte and the length's low six bits
//   below them, the rest shifted up by two, offset: i32 from the string's own position};
// - `HashMap`/`HashSet` is a swiss table {ptr: relptr to the control bytes, len: u32, cap: u32}; bucket i lies at
//   ptr − (i+1)·size_of(entry), a control byte with its top bit clear marks a full bucket, there are cap + 15 control
//   bytes (rkyv/src/collections/swiss_table/table.rs); an entry is `repr(C)` {key, value} (collections/util);
// - `IndexMap`/`IndexSet` is {table: a swiss table of u32 indices, entries: relptr to len entries in insertion order}
//   (rkyv/src/collections/swiss_table/index_map.rs, index_set.rs);
// - `NicheInto<NaN>` stores Option<f32> as an f32, None as NaN; `NicheInto<Zero>` stores Option<NonZeroU128> as a
//   u128, None as 0 (rkyv/src/niche/niching.rs);
// - the root object ends the buffer: it sits at len − size_of(root) (rkyv/src/api/mod.rs `root_position`).

export interface Field {
  name: string;
  layout: Layout;
  offset: number;
}

export type Layout = { size: number; align: number } & (
  | { kind: "bool" | "u32" | "i32" | "u64" | "i64" | "f32" | "f32-or-nan" | "u128-or-zero" }
  | { kind: "string" }
  | { kind: "bytes" }
  | { kind: "vec"; of: Layout }
  | { kind: "arc"; of: Layout }
  | { kind: "struct"; name: string; fields: Field[] }
  | { kind: "enum"; name: string; variants: { name: string; fields: Field[] }[] }
  | { kind: "hash-map" | "index-map"; key: Layout; value: Layout | null; entry: Field[]; entrySize: number }
);

const roundUp = (n: number, align: number) => Math.ceil(n / align) * align;

const prim = (kind: "bool" | "u32" | "i32" | "u64" | "i64" | "f32" | "f32-or-nan" | "u128-or-zero", size: number) =>
  ({ kind, size, align: size }) as Layout;

export const bool = prim("bool", 1);
export const u32 = prim("u32", 4);
export const i32 = prim("i32", 4);
export const u64 = prim("u64", 8);
export const i64 = prim("i64", 8);
export const f32 = prim("f32", 4);
/** Option<f32> with `NicheInto<NaN>`. */
export const f32OrNaN = prim("f32-or-nan", 4);
/** Option<NonZeroU128> with `NicheInto<Zero>`. */
export const u128OrZero = prim("u128-or-zero", 16);
export const string: Layout = { kind: "string", size: 8, align: 4 };
/** Vec<u8>, read as bytes. */
export const bytes: Layout = { kind: "bytes", size: 8, align: 4 };
export const vec = (of: Layout): Layout => ({ kind: "vec", of, size: 8, align: 4 });
export const arc = (of: Layout): Layout => ({ kind: "arc", of, size: 4, align: 4 });

/** `repr(C)` fields from `start`: their offsets, the end and the alignment. */
function place(
  list: [string, Layout][],
  start: number,
  align: number,
): { fields: Field[]; end: number; align: number } {
  let at = start;
  const fields: Field[] = [];
  for (const [name, layout] of list) {
    at = roundUp(at, layout.align);
    fields.push({ name, layout, offset: at });
    at += layout.size;
    align = Math.max(align, layout.align);
  }
  return { fields, end: at, align };
}

export function struct(name: string, list: [string, Layout][]): Layout {
  const { fields, end, align } = place(list, 0, 1);
  return { kind: "struct", name, fields, size: roundUp(end, align), align };
}

/** A `repr(u8)` enum; a variant with no fields is given as []. */
export function enumOf(name: string, list: [string, [string, Layout][]][]): Layout {
  let size = 1;
  let align = 1;
  const variants = list.map(([variant, fieldList]) => {
    const placed = place(fieldList, 1, 1);
    size = Math.max(size, placed.end);
    align = Math.max(align, placed.align);
    return { name: variant, fields: placed.fields };
  });
  return { kind: "enum", name, variants, size: roundUp(size, align), align };
}

export const option = (of: Layout): Layout =>
  enumOf("Option", [
    ["None", []],
    ["Some", [["0", of]]],
  ]);

function table(kind: "hash-map" | "index-map", key: Layout, value: Layout | null): Layout {
  const { fields, end, align } = place(
    value
      ? [
          ["key", key],
          ["value", value],
        ]
      : [["key", key]],
    0,
    1,
  );
  return {
    kind,
    key,
    value,
    entry: fields,
    entrySize: roundUp(end, align),
    size: kind === "hash-map" ? 12 : 16,
    align: 4,
  };
}

export const hashMap = (key: Layout, value: Layout) => table("hash-map", key, value);
export const hashSet = (key: Layout) => table("hash-map", key, null);
export const indexMap = (key: Layout, value: Layout) => table("index-map", key, value);
export const indexSet = (key: Layout) => table("index-map", key, null);

/** rkyv's swiss-table sizing: capacity for `len` items at load factor 7/8, and its control-byte count. */
export const tableCapacity = (len: number) => (len === 0 ? 0 : Math.max(Math.floor((len * 8) / 7), len + 1));
export const CONTROL_EXTRA = 15;
