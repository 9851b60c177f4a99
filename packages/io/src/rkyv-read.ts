// Reads an rkyv 0.8 archive by its layout description (rkyv-layout.ts) into plain values, checking every length,
// pointer and tag against the buffer: damage is refused naming the field and the byte offset, never read past.
import type { CheckSite } from "./foreign-check.js";
import { refuse } from "./foreign-check.js";
import { CONTROL_EXTRA, type Field, type Layout } from "./rkyv-layout.js";

/** A decoded enum: the variant's name and its fields by name. */
export interface RkyvVariant {
  variant: string;
  fields: Record<string, unknown>;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** An f32 as the shortest decimal that reads back as the same f32 (what serde_json writes for it: -2.7, not -2.700000047683716). */
export function shortestF32(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let digits = 1; digits < 9; digits++) {
    const d = Number(x.toPrecision(digits));
    if (Math.fround(d) === x) return d;
  }
  return x;
}

/**
 * Decodes from `data` (the archive, without any file header; `base` is where it starts in the file, for messages).
 * Nothing here recurses on the data: depth is bounded by the layout (no layout is recursive), and the work by
 * `budget` — rkyv may point many places at one shared value, so a small file could otherwise decode to a huge one.
 */
export class RkyvReader {
  private readonly view: DataView;
  private work = 0;
  private readonly budget: number;

  constructor(
    private readonly data: Uint8Array,
    private readonly site: CheckSite,
    private readonly base = 0,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    // Every archived value takes at least one byte, so a file whose values are not shared decodes in fewer reads than
    // it has bytes; Tapestry shares only a split token's counterfactuals, so 8× is far above any file it writes.
    this.budget = 8 * data.byteLength + 65536;
  }

  /** The root object, which ends the archive. */
  root(layout: Layout, name: string): unknown {
    const at = this.data.byteLength - layout.size;
    if (at < 0)
      this.fail(
        name,
        0,
        `is ${this.data.byteLength} bytes, too short to hold the weave's root`,
        `${layout.size} bytes or more`,
      );
    return this.read(layout, at, name);
  }

  private fail(field: string, at: number, message: string, expected: string): never {
    refuse(this.site, `${field} (byte ${this.base + at})`, message, expected);
  }

  private charge(units: number, field: string, at: number): void {
    this.work += units;
    if (this.work > this.budget)
      this.fail(
        field,
        at,
        `decodes to more than ${this.budget} values and bytes, 8 times its size (shared values referenced over and over)`,
        "a weave whose data is not multiplied by sharing",
      );
  }

  private span(at: number, size: number, field: string, what: string): void {
    if (at < 0 || size < 0 || at + size > this.data.byteLength)
      this.fail(
        field,
        at,
        `${what} lies outside the file (bytes ${this.base + at}–${this.base + at + size})`,
        "data inside the file",
      );
  }

  /** Where a relative pointer stored at `at` points. */
  private target(at: number, field: string): number {
    this.span(at, 4, field, "the pointer");
    return at + this.view.getInt32(at, true);
  }

  read(layout: Layout, at: number, field: string): unknown {
    this.charge(1, field, at);
    this.span(at, layout.size, field, "the value");
    if (at % layout.align !== 0)
      this.fail(field, at, `is not aligned to ${layout.align} bytes`, "rkyv's aligned layout");
    const v = this.view;
    switch (layout.kind) {
      case "bool": {
        const b = v.getUint8(at);
        if (b > 1) this.fail(field, at, `is ${b}`, "a bool (0 or 1)");
        return b === 1;
      }
      case "u32":
        return v.getUint32(at, true);
      case "i32":
        return v.getInt32(at, true);
      case "u64":
        return v.getBigUint64(at, true);
      case "i64":
        return v.getBigInt64(at, true);
      case "f32":
        return shortestF32(v.getFloat32(at, true));
      case "f32-or-nan": {
        const f = v.getFloat32(at, true);
        return Number.isNaN(f) ? null : shortestF32(f);
      }
      case "u128-or-zero": {
        const n = v.getBigUint64(at, true) | (v.getBigUint64(at + 8, true) << 64n);
        return n === 0n ? null : n;
      }
      case "string":
        return this.readString(at, field);
      case "bytes": {
        const [start, len] = this.slice(at, 1, field);
        this.charge(len, field, at);
        return this.data.subarray(start, start + len);
      }
      case "vec": {
        const [start, len] = this.slice(at, layout.of.size, field);
        return this.items(layout.of, start, len, field);
      }
      case "arc":
        return this.read(layout.of, this.target(at, field), field);
      case "struct":
        return this.fields(layout.fields, at, field);
      case "enum": {
        const tag = v.getUint8(at);
        const variant = layout.variants[tag];
        if (variant === undefined)
          this.fail(
            field,
            at,
            `has tag ${tag}`,
            `a ${layout.name}: ${layout.variants.map((x, i) => `${i} (${x.name})`).join(", ")}`,
          );
        if (layout.name === "Option")
          return variant.name === "None"
            ? null
            : this.read(variant.fields[0]!.layout, at + variant.fields[0]!.offset, field);
        return { variant: variant.name, fields: this.fields(variant.fields, at, field) } satisfies RkyvVariant;
      }
      case "hash-map":
        return this.hashEntries(layout, at, field);
      case "index-map": {
        const len = v.getUint32(at + 4, true);
        const start = this.target(at + 12, field);
        this.span(start, len * layout.entrySize, field, `the ${len} entries`);
        return this.entries(layout.entry, layout.entrySize, start, len, field);
      }
    }
  }

  /** A vec's first element and length, checked to lie inside the file. */
  private slice(at: number, size: number, field: string): [number, number] {
    const len = this.view.getUint32(at + 4, true);
    const start = this.target(at, field);
    this.span(start, len * size, field, `the ${len} elements`);
    return [start, len];
  }

  private items(of: Layout, start: number, len: number, field: string): unknown[] {
    const out = new Array<unknown>(len);
    for (let i = 0; i < len; i++) out[i] = this.read(of, start + i * of.size, `${field}[${i}]`);
    return out;
  }

  private fields(fields: Field[], at: number, field: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of fields) out[f.name] = this.read(f.layout, at + f.offset, `${field}.${f.name}`);
    return out;
  }

  /** Map entries as [key, value] (a set's as [key, null]), in the order stored. */
  private entries(entry: Field[], size: number, start: number, len: number, field: string): [unknown, unknown][] {
    const out: [unknown, unknown][] = [];
    for (let i = 0; i < len; i++) {
      const e = start + i * size;
      const key = this.read(entry[0]!.layout, e + entry[0]!.offset, `${field}[${i}].key`);
      const value = entry[1] ? this.read(entry[1].layout, e + entry[1].offset, `${field}[${i}].value`) : null;
      out.push([key, value]);
    }
    return out;
  }

  private hashEntries(layout: { entry: Field[]; entrySize: number }, at: number, field: string): [unknown, unknown][] {
    const len = this.view.getUint32(at + 4, true);
    const cap = this.view.getUint32(at + 8, true);
    if (len === 0) return [];
    if (cap < len)
      this.fail(field, at, `holds ${len} entries in ${cap} buckets`, "a hash table with room for its entries");
    const control = this.target(at, field);
    this.span(control, cap + CONTROL_EXTRA, field, `the ${cap + CONTROL_EXTRA} control bytes`);
    this.span(control - cap * layout.entrySize, cap * layout.entrySize, field, `the ${cap} buckets`);
    this.charge(cap, field, control);
    const out: [unknown, unknown][] = [];
    for (let i = 0; i < cap; i++) {
      if ((this.data[control + i]! & 0x80) !== 0) continue; // empty bucket
      if (out.length === len)
        this.fail(
          field,
          control + i,
          `has more full buckets than its length (${len})`,
          "as many full buckets as entries",
        );
      const bucket = control - (i + 1) * layout.entrySize;
      const [entry] = this.entries(layout.entry, layout.entrySize, bucket, 1, `${field}{bucket ${i}}`);
      out.push(entry!);
    }
    if (out.length !== len)
      this.fail(
        field,
        control,
        `has ${out.length} full buckets but says it holds ${len}`,
        "as many full buckets as entries",
      );
    return out;
  }

  private readString(at: number, field: string): string {
    const first = this.data[at]!;
    let start: number;
    let len: number;
    if ((first & 0xc0) !== 0x80) {
      start = at;
      len = this.data.subarray(at, at + 8).indexOf(0xff);
      if (len < 0) len = 8;
    } else {
      const raw = this.view.getUint32(at, true);
      len = (raw & 0x3f) | ((raw >>> 8) << 6);
      start = at + this.view.getInt32(at + 4, true);
      this.span(start, len, field, `the string's ${len} bytes`);
    }
    this.charge(len, field, at);
    try {
      return utf8.decode(this.data.subarray(start, start + len));
    } catch {
      return this.fail(field, start, "is not valid UTF-8", "a UTF-8 string");
    }
  }
}
