// Test-only: writes values as an rkyv 0.8 archive by the same layout descriptions the reader uses (rkyv-layout.ts),
// following rkyv's wire rules, so tests can build binary files that no real tool wrote for us offline.
// Out-of-line data is written before what points at it and the root last, as rkyv's serializer does; swiss-table
// buckets are placed by rkyv's own probing with its FxHasher64 (rkyv/src/hash.rs; a u64 key hashes as one word, a
// string as its bytes then 0xff), load factor 7/8, 16-byte groups (rkyv/src/collections/swiss_table/table.rs).
import { CONTROL_EXTRA, type Field, type Layout, tableCapacity } from "../rkyv-layout.js";

const MASK = (1n << 64n) - 1n;
const SEED = 0x517cc1b727220a95n;
const word = (hash: bigint, w: bigint) => (((((hash << 5n) | (hash >> 59n)) & MASK) ^ w) * SEED) & MASK;

/** rkyv's FxHasher64 of a key as Rust's Hash feeds it. */
export function fxHash(key: unknown): bigint {
  if (typeof key === "bigint") return word(0n, key);
  const b = Buffer.from(key as string, "utf8");
  let h = 0n;
  let i = 0;
  for (; i + 8 <= b.length; i += 8) h = word(h, b.readBigUInt64LE(i));
  if (b.length & 4) {
    h = word(h, BigInt(b.readUInt32LE(i)));
    i += 4;
  }
  if (b.length & 2) {
    h = word(h, BigInt(b.readUInt16LE(i)));
    i += 2;
  }
  if (b.length & 1) h = word(h, BigInt(b[i]!));
  return word(h, 0xffn); // str's Hash ends with a 0xff byte
}

/** Bucket index of each hash in a table of `cap` buckets (rkyv's insertion probe). */
function placeBuckets(hashes: bigint[], cap: number): { index: number; h2: number }[] {
  const control = new Uint8Array(cap + CONTROL_EXTRA).fill(0xff);
  const mask = 2 ** Math.ceil(Math.log2(cap)) - 1;
  return hashes.map((hash) => {
    const h2 = Number(hash >> 57n);
    let pos = Number(hash % BigInt(cap));
    let stride = 0;
    for (;;) {
      const bit = control.subarray(pos, pos + 16).indexOf(0xff);
      if (bit >= 0) {
        const index = (pos + bit) % cap;
        control[index] = h2;
        if (index < CONTROL_EXTRA) control[cap + index] = h2;
        return { index, h2 };
      }
      do {
        pos = (pos + stride) & mask;
        stride += 16;
      } while (pos >= cap);
    }
  });
}

type Pairs = [unknown, unknown][];

export class RkyvWriter {
  private buf = new Uint8Array(1 << 16);
  private pos = 0;
  private readonly shared = new Map<unknown, number>();

  private reserve(size: number, align: number): number {
    this.pos = Math.ceil(this.pos / align) * align;
    const at = this.pos;
    this.pos += size;
    if (this.pos > this.buf.length) {
      const next = new Uint8Array(Math.max(this.pos, this.buf.length * 2));
      next.set(this.buf);
      this.buf = next;
    }
    return at;
  }

  private get view() {
    return new DataView(this.buf.buffer);
  }

  private rel(at: number, target: number): void {
    this.view.setInt32(at, target - at, true);
  }

  /** Writes `value` as the archive's root and returns the archive. */
  finish(layout: Layout, value: unknown): Uint8Array {
    const r = this.deps(layout, value);
    const at = this.reserve(layout.size, layout.align);
    this.put(layout, value, r, at);
    return this.buf.slice(0, this.pos);
  }

  /** Writes what `value` points to; returns where (per kind). */
  private deps(layout: Layout, value: unknown): unknown {
    switch (layout.kind) {
      case "string": {
        const b = Buffer.from(value as string, "utf8");
        if (b.length <= 8) return null;
        const at = this.reserve(b.length, 1);
        this.buf.set(b, at);
        return at;
      }
      case "bytes": {
        const b = value as Uint8Array;
        const at = this.reserve(b.length, 1);
        this.buf.set(b, at);
        return at;
      }
      case "vec":
        return this.array(layout.of, value as unknown[]);
      case "arc": {
        const seen = this.shared.get(value);
        if (seen !== undefined) return seen;
        const r = this.deps(layout.of, value);
        const at = this.reserve(layout.of.size, layout.of.align);
        this.put(layout.of, value, r, at);
        this.shared.set(value, at);
        return at;
      }
      case "struct":
        return layout.fields.map((f) => this.deps(f.layout, (value as Record<string, unknown>)[f.name]));
      case "enum": {
        const { variant, fields } = this.variantOf(layout, value);
        return variant.fields.map((f) => this.deps(f.layout, fields[f.name]));
      }
      case "hash-map":
      case "index-map":
        return this.table(layout, value as Pairs);
      default:
        return null;
    }
  }

  private array(of: Layout, items: unknown[]): number {
    const rs = items.map((v) => this.deps(of, v));
    const start = this.reserve(of.size * items.length, of.align);
    items.forEach((v, i) => this.put(of, v, rs[i], start + i * of.size));
    return start;
  }

  private variantOf(layout: Layout & { kind: "enum" }, value: unknown) {
    if (layout.name === "Option") {
      const variant = layout.variants[value === null ? 0 : 1]!;
      return { tag: value === null ? 0 : 1, variant, fields: { "0": value } as Record<string, unknown> };
    }
    const v = value as { variant: string; fields: Record<string, unknown> };
    const tag = layout.variants.findIndex((x) => x.name === v.variant);
    if (tag < 0) throw new Error(`no variant ${v.variant} in ${layout.name}`);
    return { tag, variant: layout.variants[tag]!, fields: v.fields ?? {} };
  }

  private entryRs(entry: Field[], pairs: Pairs) {
    return pairs.map(([k, v]) => [this.deps(entry[0]!.layout, k), entry[1] ? this.deps(entry[1].layout, v) : null]);
  }

  private putEntry(entry: Field[], [k, v]: [unknown, unknown], [rk, rv]: unknown[], at: number) {
    this.put(entry[0]!.layout, k, rk, at + entry[0]!.offset);
    if (entry[1]) this.put(entry[1].layout, v, rv, at + entry[1].offset);
  }

  /** A swiss table of `pairs` (a hash map) or of their indices then the entries (an index map). */
  private table(
    layout: Layout & { kind: "hash-map" | "index-map" },
    pairs: Pairs,
  ): { control: number; entries: number } {
    if (pairs.length === 0) return { control: 0, entries: this.reserve(0, 4) };
    const cap = tableCapacity(pairs.length);
    const slots = placeBuckets(
      pairs.map(([k]) => fxHash(k)),
      cap,
    );
    const hash = layout.kind === "hash-map";
    const size = hash ? layout.entrySize : 4;
    const rs = hash ? this.entryRs(layout.entry, pairs) : [];
    const align = hash ? Math.max(...layout.entry.map((f) => f.layout.align)) : 4;
    const start = this.reserve(cap * size + cap + CONTROL_EXTRA, align);
    const control = start + cap * size;
    this.buf.fill(0xff, control, control + cap + CONTROL_EXTRA);
    slots.forEach(({ index, h2 }, i) => {
      this.buf[control + index] = h2;
      if (index < CONTROL_EXTRA) this.buf[control + cap + index] = h2;
      const bucket = control - (index + 1) * size;
      if (hash) this.putEntry(layout.entry, pairs[i]!, rs[i] as unknown[], bucket);
      else this.view.setUint32(bucket, i, true);
    });
    if (hash) return { control, entries: 0 };
    const ers = this.entryRs(layout.entry, pairs);
    const entryAlign = Math.max(...layout.entry.map((f) => f.layout.align));
    const entries = this.reserve(layout.entrySize * pairs.length, entryAlign);
    pairs.forEach((p, i) => this.putEntry(layout.entry, p, ers[i] as unknown[], entries + i * layout.entrySize));
    return { control, entries };
  }

  /** Writes `value`'s own bytes at `at`. */
  private put(layout: Layout, value: unknown, r: unknown, at: number): void {
    const v = this.view;
    switch (layout.kind) {
      case "bool":
        v.setUint8(at, value ? 1 : 0);
        return;
      case "u32":
        v.setUint32(at, value as number, true);
        return;
      case "i32":
        v.setInt32(at, value as number, true);
        return;
      case "u64":
        v.setBigUint64(at, value as bigint, true);
        return;
      case "i64":
        v.setBigInt64(at, value as bigint, true);
        return;
      case "f32":
        v.setFloat32(at, value as number, true);
        return;
      case "f32-or-nan":
        v.setFloat32(at, value === null ? Number.NaN : (value as number), true);
        return;
      case "u128-or-zero": {
        const n = value === null ? 0n : (value as bigint);
        v.setBigUint64(at, n & MASK, true);
        v.setBigUint64(at + 8, n >> 64n, true);
        return;
      }
      case "string": {
        const b = Buffer.from(value as string, "utf8");
        if (r === null) {
          this.buf.fill(0xff, at, at + 8);
          this.buf.set(b, at);
        } else {
          const l = b.length;
          v.setUint32(at, (l & 0x3f) | 0x80 | ((l & ~0x3f) << 2), true);
          v.setInt32(at + 4, (r as number) - at, true); // from the string's start, not from the offset field
        }
        return;
      }
      case "bytes":
      case "vec":
        this.rel(at, r as number);
        v.setUint32(at + 4, (value as unknown[] | Uint8Array).length, true);
        return;
      case "arc":
        this.rel(at, r as number);
        return;
      case "struct":
        layout.fields.forEach((f, i) =>
          this.put(f.layout, (value as Record<string, unknown>)[f.name], (r as unknown[])[i], at + f.offset),
        );
        return;
      case "enum": {
        const { tag, variant, fields } = this.variantOf(layout, value);
        v.setUint8(at, tag);
        variant.fields.forEach((f, i) => this.put(f.layout, fields[f.name], (r as unknown[])[i], at + f.offset));
        return;
      }
      case "hash-map":
      case "index-map": {
        const { control, entries } = r as { control: number; entries: number };
        const len = (value as Pairs).length;
        if (len === 0) v.setInt32(at, 1, true);
        else this.rel(at, control);
        v.setUint32(at + 4, len, true);
        v.setUint32(at + 8, tableCapacity(len), true);
        if (layout.kind === "index-map") this.rel(at + 12, entries);
        return;
      }
    }
  }
}

/** The archive of `value` by `layout`. */
export const writeRkyv = (layout: Layout, value: unknown) => new RkyvWriter().finish(layout, value);
