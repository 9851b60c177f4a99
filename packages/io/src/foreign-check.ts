// Hand-written field checks for other looms' files: each refusal names the file, the field and what was expected.
// (Not zod: a 100,000-node file must be checked in a fraction of the time JSON.parse takes; see bench/io.bench.ts.)
import { IoError } from "./io-error.js";

export type Json = Record<string, unknown>;

/** Where a check runs: the file, and the tool whose format it is (for the messages). */
export interface CheckSite {
  file: string;
  tool: string;
}

/** A field path built only when a message reads it (an object with a method: no closure made per node). */
export interface LazyField {
  fieldPath(): string;
}

/** A field's JSON-ish path, or what gives it: deep trees build paths only for the message that needs one. */
export type Field = string | (() => string) | LazyField;

/** The path a Field stands for. */
export const fieldText = (field: Field): string =>
  typeof field === "string" ? field : typeof field === "function" ? field() : field.fieldPath();

/** `parent` followed by `suffix` (".text", "[3]"), built only when read. */
export class SubField implements LazyField {
  constructor(
    private readonly parent: Field,
    private readonly suffix: string,
  ) {}
  fieldPath(): string {
    return fieldText(this.parent) + this.suffix;
  }
}

/** Refuse the file: `field` (a JSON-ish path) is not what `tool` writes. */
export function refuse(site: CheckSite, field: Field, message: string, expected: string): never {
  throw new IoError("bad_import", `${message} — not a ${site.tool} file as ${site.tool} writes it`, {
    file: site.file,
    field: fieldText(field),
    expected,
  });
}

export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v);

export function objectAt(site: CheckSite, v: unknown, field: Field, expected = "an object"): Json {
  if (!isObject(v)) refuse(site, field, `is ${kind(v)}`, expected);
  return v;
}

export function arrayAt(site: CheckSite, v: unknown, field: Field, expected = "an array"): unknown[] {
  if (!Array.isArray(v)) refuse(site, field, `is ${kind(v)}`, expected);
  return v;
}

export function stringAt(site: CheckSite, v: unknown, field: Field, expected = "a string"): string {
  if (typeof v !== "string") refuse(site, field, `is ${kind(v)}`, expected);
  return v;
}

/** A string, or undefined when absent or null. */
export function optStringAt(site: CheckSite, v: unknown, field: Field, expected = "a string"): string | undefined {
  return v === undefined || v === null ? undefined : stringAt(site, v, field, expected);
}

/** A finite number, or undefined when absent or null. */
export function optNumberAt(site: CheckSite, v: unknown, field: Field, expected = "a number"): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) refuse(site, field, `is ${kind(v)}`, expected);
  return v;
}

/** A boolean, or undefined when absent or null. */
export function optBooleanAt(site: CheckSite, v: unknown, field: Field): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") refuse(site, field, `is ${kind(v)}`, "true or false");
  return v;
}

/** `o` without the keys in `known`, or undefined when nothing is left (what goes to meta.import.<tool>). */
export function rest(o: Json, known: ReadonlySet<string>): Json | undefined {
  let out: Json | undefined;
  for (const key in o) {
    if (known.has(key)) continue;
    out ??= {};
    out[key] = o[key];
  }
  return out;
}
