// A node's tokens in a packed form (one string and one number array, not one object per token and alternative), read back as plain tokens on demand.
import { LoomError } from "./errors.js";
import type { Token, TopLogprob } from "./token.js";

/*
 * Why: a realistic candidate (6 tokens with top-5 alternatives) held as plain objects is 1 array, 6 token
 * objects, 6 arrays and 30 alternative objects, each with its own string and boxed number: about 2 KB of
 * heap per node, most of what a large loom costs in memory. Packed, the same tokens are one string and one
 * array of numbers (~0.5 KB), and nothing is lost: `toArray()` (and JSON.stringify, through `toJSON`) give
 * back exactly the tokens that went in, each with the keys it had, in the schema's order (text, id,
 * logprob, top).
 *
 * Layout of `data`, token by token: a flags character (1 id, 2 logprob, 4 top, 8 alternatives' ids), the
 * text's length, the text; with a top, the number of alternatives, then each one's length and text. Lengths
 * and counts are varints of 7 bits per character (one character below 128), so the string stays one byte per
 * character whenever the texts are Latin-1. `nums` holds, per token, its id and logprob when present, then
 * each alternative's logprob and, with flag 8, its id (-1 for an alternative without one: ids are never
 * negative); it is allocated at its exact size (a grown array keeps slack).
 */

const HAS_ID = 1;
const HAS_LOGPROB = 2;
const HAS_TOP = 4;
const HAS_TOP_IDS = 8;

/** Marks TokenLists across copies of this module (an ESM and a CJS build loaded side by side), where instanceof fails. */
const MARK = Symbol.for("@loom/core.TokenList");

/** One-character strings for 0–127: nearly every length, count and flags value is one of these. */
const SMALL = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

/** How many parts pushVarint (or putVarint) adds for `n`. */
function varintParts(n: number): number {
  let k = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    k++;
  }
  return k;
}

/** `n` as a varint written into `parts` from index `at` on; returns the index after it. */
function putVarint(parts: string[], at: number, n: number): number {
  while (n >= 128) {
    parts[at++] = String.fromCharCode(128 | (n % 128));
    n = Math.floor(n / 128);
  }
  parts[at++] = SMALL[n]!;
  return at;
}

/** `n` as a varint appended to `parts`. */
function pushVarint(parts: string[], n: number): void {
  putVarint(parts, parts.length, n);
}

/** Whether any alternative carries an id (then every alternative gets a slot for one). */
function topHasIds(top: readonly TopLogprob[]): boolean {
  for (let j = 0; j < top.length; j++) if (top[j]!.id !== undefined) return true;
  return false;
}

/** A cursor over `data` for reading varints and texts in order. */
class Reader {
  at = 0;
  constructor(private readonly data: string) {}

  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const c = this.data.charCodeAt(this.at++);
      if (c < 128) return n + c * scale;
      n += (c - 128) * scale;
      scale *= 128;
    }
  }

  text(): string {
    const len = this.varint();
    const s = this.data.slice(this.at, this.at + len);
    this.at += len;
    return s;
  }

  skipText(): void {
    const len = this.varint(); // read first: `this.at += this.varint()` would add to the position before the varint
    this.at += len;
  }
}

/** A list's packed parts, as `packed()` gives them. */
export interface TokenParts {
  data: string;
  nums: number[];
}

/**
 * Whether packed parts hold together (a damaged or forged file): every length and count must stay inside
 * `data`, `nums` must hold exactly one number per id, logprob, alternative and alternative's id slot, ids
 * must be safe integers (alternatives' -1 or more) and every number finite (what TokenSchema accepts).
 */
function holdsTogether(length: number, data: string, nums: readonly number[]): boolean {
  if (!Number.isSafeInteger(length) || length < 0) return false;
  const end = data.length;
  let at = 0;
  let n = 0;
  // A varint as the writer makes it (characters below 256, at most 4 of them), or -1.
  const varint = (): number => {
    let v = 0;
    let scale = 1;
    for (let k = 0; k < 4 && at < end; k++) {
      const c = data.charCodeAt(at++);
      if (c < 128) return v + c * scale;
      if (c > 255) return -1;
      v += (c - 128) * scale;
      scale *= 128;
    }
    return -1;
  };
  const text = (): boolean => {
    const len = varint();
    if (len < 0 || at + len > end) return false;
    at += len;
    return true;
  };
  for (let i = 0; i < length; i++) {
    const flags = varint();
    if (flags < 0 || flags > 15 || (flags & HAS_TOP_IDS && !(flags & HAS_TOP)) || !text()) return false;
    if (flags & HAS_ID && !Number.isSafeInteger(nums[n++])) return false;
    if (flags & HAS_LOGPROB && !Number.isFinite(nums[n++])) return false;
    if (flags & HAS_TOP) {
      const count = varint();
      if (count < 0) return false;
      for (let j = 0; j < count; j++) {
        if (!text() || !Number.isFinite(nums[n++])) return false;
        if (flags & HAS_TOP_IDS && !(Number.isSafeInteger(nums[n]) && nums[n++]! >= -1)) return false;
      }
    }
  }
  return at === end && n === nums.length;
}

/** Makes a list from parts laid out here (set by TokenList's static block, which can call its constructor). */
let trustedList: (length: number, data: string, nums: number[]) => TokenList;

/** Placeholder parts of a lazy list until it is decoded (shared: never read before `decoded()` replaces them). */
const NO_NUMS: number[] = [];

/** A node's tokens, packed. Iterable, indexable with `at`, and serialised by JSON.stringify as the plain token array. */
export class TokenList implements Iterable<Token> {
  /** Number of tokens. */
  readonly length: number;
  private data: string;
  private nums: number[];
  /**
   * A list made by `lazy`: what its parts are decoded from, and how, until the first read decodes them
   * (then both are dropped). Held as a value and a shared function, not a closure: a closure and its
   * context per node would cost more than the parts they defer.
   */
  private source: unknown = undefined;
  /** Where in `source` this list's parts lie: many lists may share one source (all the lists of one stored frame). */
  private sourceAt = 0;
  private decode: ((source: never, at: number) => TokenParts | null) | null = null;

  /** Whether `value` is a TokenList (from this or another copy of @loom/core). */
  static is(value: unknown): value is TokenList {
    return typeof value === "object" && value !== null && (value as { [MARK]?: unknown })[MARK] === true;
  }

  private constructor(length: number, data: string, nums: number[]) {
    this.length = length;
    this.data = data;
    this.nums = nums;
  }

  /** Pack plain tokens (assumed valid, as TokenSchema accepts them). A TokenList is returned as is. */
  static from(tokens: readonly Token[] | TokenList): TokenList {
    if (TokenList.is(tokens)) return tokens;
    let numsLen = 0;
    // The parts array is made at its final size: grown by push, it was reallocated ~6 times a realistic node
    // (6 tokens, top-5: 84 parts), most of what adding a decision's candidates allocated.
    let partsLen = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.id !== undefined) numsLen++;
      if (t.logprob !== undefined) numsLen++;
      partsLen += 2 + varintParts(t.text.length);
      const top = t.top;
      if (top !== undefined) {
        numsLen += top.length * (topHasIds(top) ? 2 : 1);
        partsLen += varintParts(top.length);
        for (let j = 0; j < top.length; j++) partsLen += 1 + varintParts(top[j]!.text.length);
      }
    }
    const nums: number[] = new Array(numsLen);
    const parts: string[] = new Array(partsLen);
    let k = 0;
    let n = 0;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      let flags = 0;
      if (t.id !== undefined) flags |= HAS_ID;
      if (t.logprob !== undefined) flags |= HAS_LOGPROB;
      const topIds = t.top !== undefined && topHasIds(t.top);
      if (t.top !== undefined) flags |= HAS_TOP;
      if (topIds) flags |= HAS_TOP_IDS;
      parts[k++] = SMALL[flags]!;
      k = putVarint(parts, k, t.text.length);
      parts[k++] = t.text;
      if (t.id !== undefined) nums[n++] = t.id;
      if (t.logprob !== undefined) nums[n++] = t.logprob;
      const top = t.top;
      if (top !== undefined) {
        k = putVarint(parts, k, top.length);
        for (let j = 0; j < top.length; j++) {
          const alt = top[j]!;
          k = putVarint(parts, k, alt.text.length);
          parts[k++] = alt.text;
          nums[n++] = alt.logprob;
          if (topIds) nums[n++] = alt.id ?? -1;
        }
      }
    }
    // Joined rather than concatenated: one flat string, not a rope that keeps every small piece alive.
    return new TokenList(tokens.length, parts.join(""), nums);
  }

  /**
   * The packed parts as they are (for a compact on-disk form: @loom/io writes them as bytes), not copies:
   * callers must not change `nums`.
   */
  packed(): { readonly length: number; readonly data: string; readonly nums: readonly number[] } {
    this.decoded();
    return { length: this.length, data: this.data, nums: this.nums };
  }

  /**
   * A TokenList from parts that `packed()` gave, or null when they do not hold together (a damaged or forged
   * file): every length and count must stay inside `data`, `nums` must hold exactly one number per id,
   * logprob and alternative, ids must be safe integers and every number finite (what TokenSchema accepts).
   * `nums` is kept, not copied.
   */
  static fromPacked(length: number, data: string, nums: number[]): TokenList | null {
    return holdsTogether(length, data, nums) ? new TokenList(length, data, nums) : null;
  }

  static {
    // The builder's parts are laid out by this module: trusted, so not scanned again as fromPacked's are.
    trustedList = (length, data, nums) => new TokenList(length, data, nums);
  }

  /**
   * A list of `length` tokens whose parts `decode(source, at)` gives the first time they are read (a file's
   * packed bytes, say): opening a large session then builds no token data for the nodes nobody reads. Many
   * lists may share one `source`, each at its own `at` (one string holding a whole frame's bytes costs the
   * collector one object where a string per list cost one each). The caller has checked the source already
   * (io checks the bytes as `fromPacked` checks parts); parts that do not hold together anyway, or a null
   * from `decode`, throw a LoomError ("invariant") from the read.
   */
  static lazy<S>(length: number, source: S, decode: (source: S, at: number) => TokenParts | null, at = 0): TokenList {
    const list = new TokenList(length, "", NO_NUMS);
    list.source = source;
    list.sourceAt = at;
    list.decode = decode as (source: never, at: number) => TokenParts | null;
    return list;
  }

  /**
   * The source (and position in it) a list was made from by `lazy` with this `decode`, while its parts are
   * not decoded yet; else undefined. A writer that knows the source's form can copy it as it is instead of
   * decoding and re-encoding.
   */
  lazySource<S>(decode: (source: S, at: number) => TokenParts | null): { source: S; at: number } | undefined {
    return this.decode === decode ? { source: this.source as S, at: this.sourceAt } : undefined;
  }

  /** Decode a lazy list's parts (nothing to do once they are there, or for a list that was never lazy). */
  private decoded(): void {
    const decode = this.decode;
    if (decode === null) return;
    const parts = (decode as (source: unknown, at: number) => TokenParts | null)(this.source, this.sourceAt);
    if (parts === null || !holdsTogether(this.length, parts.data, parts.nums)) {
      throw new LoomError("invariant", "a node's stored tokens are damaged: their packed form does not hold together");
    }
    this.data = parts.data;
    this.nums = parts.nums;
    this.source = undefined;
    this.sourceAt = 0;
    this.decode = null;
  }

  /** Every token as a plain object, in order (a fresh array each call). */
  toArray(): Token[] {
    this.decoded();
    const out: Token[] = new Array(this.length);
    const r = new Reader(this.data);
    const nums = this.nums;
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const flags = r.varint();
      const token: Token = { text: r.text() };
      if (flags & HAS_ID) token.id = nums[n++]!;
      if (flags & HAS_LOGPROB) token.logprob = nums[n++]!;
      if (flags & HAS_TOP) {
        const count = r.varint();
        const top: TopLogprob[] = new Array(count);
        for (let j = 0; j < count; j++) {
          const alt: TopLogprob = { text: r.text(), logprob: nums[n++]! };
          if (flags & HAS_TOP_IDS) {
            const id = nums[n++]!;
            if (id >= 0) alt.id = id;
          }
          top[j] = alt;
        }
        token.top = top;
      }
      out[i] = token;
    }
    return out;
  }

  /** What JSON.stringify writes: the plain token array, so files and API responses keep their shape. */
  toJSON(): Token[] {
    return this.toArray();
  }

  /**
   * The JSON text of the plain token array, exactly what JSON.stringify(this.toArray()) gives, written
   * straight from the packed form: the journal writes every candidate's tokens on each commit, and
   * building the objects only to serialise them doubled that cost.
   */
  toJSONText(): string {
    this.decoded();
    const r = new Reader(this.data);
    const nums = this.nums;
    let n = 0;
    let out = "[";
    for (let i = 0; i < this.length; i++) {
      const flags = r.varint();
      out += (i === 0 ? '{"text":' : ',{"text":') + JSON.stringify(r.text());
      if (flags & HAS_ID) out += ',"id":' + JSON.stringify(nums[n++]);
      if (flags & HAS_LOGPROB) out += ',"logprob":' + JSON.stringify(nums[n++]);
      if (flags & HAS_TOP) {
        const count = r.varint();
        out += ',"top":[';
        for (let j = 0; j < count; j++) {
          out +=
            (j === 0 ? '{"text":' : ',{"text":') + JSON.stringify(r.text()) + ',"logprob":' + JSON.stringify(nums[n++]);
          if (flags & HAS_TOP_IDS) {
            const id = nums[n++]!;
            if (id >= 0) out += ',"id":' + JSON.stringify(id);
          }
          out += "}";
        }
        out += "]";
      }
      out += "}";
    }
    return out + "]";
  }

  /** The token at `index` (negative counts from the end), or undefined. */
  at(index: number): Token | undefined {
    const i = index < 0 ? this.length + index : index;
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    return this.toArray()[i];
  }

  [Symbol.iterator](): Iterator<Token> {
    return this.toArray()[Symbol.iterator]();
  }

  /** The tokens' texts, in order, without building token objects. */
  texts(): string[] {
    this.decoded();
    const out: string[] = new Array(this.length);
    const r = new Reader(this.data);
    for (let i = 0; i < this.length; i++) {
      const flags = r.varint();
      out[i] = r.text();
      if (flags & HAS_TOP) {
        const count = r.varint();
        for (let j = 0; j < count; j++) r.skipText();
      }
    }
    return out;
  }
}

/**
 * Builds a TokenList token by token, straight into the packed form: a reader of another tool's file would
 * otherwise make a plain object per token and per alternative only for `TokenList.from` to pack and drop
 * them (a 100,000-node PyLoom file has 600,000 tokens). Call `token`, then that token's `alternative`s, then
 * the next `token`; `build` ends the list. Alternatives are kept most likely first (stable for equal
 * logprobs), as generators give `top`. Values are assumed valid (as TokenSchema accepts them): callers check
 * what they read first.
 */
export class TokenListBuilder {
  private parts: string[] = [];
  private nums: number[] = [];
  private count = 0;
  /** The logprobs' sum so far, while every token has one (numbers and flags, not `number | null`: a field
   * that is always a number stays unboxed, where one that may be null boxes every double written to it). */
  private sum = 0;
  private summed = true;
  /** The token being built: its text, id and logprob, and its alternatives (texts, logprobs, ids) until it ends. */
  private text: string | null = null;
  private id = 0;
  private hasId = false;
  private logprob = 0;
  private hasLogprob = false;
  private hasTop = false;
  /** The current token's alternatives: the first `alts` entries (reused, never shrunk: emptying an array
   * with `length = 0` frees its storage, and building it again per token cost ~450 bytes each). */
  private readonly altTexts: string[] = [];
  private readonly altLogprobs: number[] = [];
  private readonly altIds: (number | undefined)[] = [];
  private alts = 0;

  /** Number of tokens added so far. */
  get length(): number {
    return this.count;
  }

  /** The sum of the tokens' logprobs (a node's stepLogprob), or null when a token has none or there are no tokens. */
  get logprobSum(): number | null {
    return this.count === 0 || !this.summed ? null : this.sum;
  }

  /** Start a token (ending the one before). */
  token(text: string, logprob?: number, id?: number): this {
    this.end();
    this.text = text;
    this.hasLogprob = logprob !== undefined;
    this.logprob = logprob ?? 0;
    this.hasId = id !== undefined;
    this.id = id ?? 0;
    this.count++;
    if (logprob === undefined) this.summed = false;
    else this.sum += logprob;
    return this;
  }

  /**
   * Give the current token a `top` list even when no alternative follows (an empty list, as a plain token
   * with `top: []` has); `alternative` does this itself.
   */
  withTop(): this {
    if (this.text === null) throw new LoomError("invariant", "TokenListBuilder: an alternative before any token");
    this.hasTop = true;
    return this;
  }

  /** An alternative of the current token. */
  alternative(text: string, logprob: number, id?: number): this {
    this.withTop();
    // Insertion keeps the list sorted as it grows: alternatives are few (top-5, top-20).
    // Shifted by hand: splice would allocate an array (of what it removed) per call.
    const texts = this.altTexts;
    const logprobs = this.altLogprobs;
    const ids = this.altIds;
    let at = this.alts++;
    while (at > 0 && logprobs[at - 1]! < logprob) {
      texts[at] = texts[at - 1]!;
      logprobs[at] = logprobs[at - 1]!;
      ids[at] = ids[at - 1];
      at--;
    }
    texts[at] = text;
    logprobs[at] = logprob;
    ids[at] = id;
    return this;
  }

  /** The list; the builder is empty again after it, ready for the next (one builder can serve a whole file). */
  build(): TokenList {
    this.end();
    const list = trustedList(this.count, this.parts.join(""), this.nums.slice());
    this.reset();
    return list;
  }

  /** Drop whatever was added since the last build (a reader that gave up half-way through a list). */
  reset(): void {
    this.text = null;
    this.hasTop = false;
    this.alts = 0;
    this.parts = [];
    this.nums = [];
    this.count = 0;
    this.sum = 0;
    this.summed = true;
  }

  /** Write the current token, if any, in the layout `TokenList.from` writes. */
  private end(): void {
    const text = this.text;
    if (text === null) return;
    const parts = this.parts;
    const nums = this.nums;
    const count = this.alts;
    let topIds = false;
    for (let j = 0; j < count; j++) if (this.altIds[j] !== undefined) topIds = true;
    let flags = 0;
    if (this.hasId) flags |= HAS_ID;
    if (this.hasLogprob) flags |= HAS_LOGPROB;
    if (this.hasTop) flags |= HAS_TOP;
    if (topIds) flags |= HAS_TOP_IDS;
    parts.push(SMALL[flags]!);
    pushVarint(parts, text.length);
    parts.push(text);
    if (this.hasId) nums.push(this.id);
    if (this.hasLogprob) nums.push(this.logprob);
    if (this.hasTop) {
      pushVarint(parts, count);
      for (let j = 0; j < count; j++) {
        const alt = this.altTexts[j]!;
        pushVarint(parts, alt.length);
        parts.push(alt);
        nums.push(this.altLogprobs[j]!);
        if (topIds) nums.push(this.altIds[j] ?? -1);
      }
    }
    this.text = null;
    this.hasTop = false;
    this.alts = 0;
  }
}

// On the prototype, so the mark costs nothing per list.
Object.defineProperty(TokenList.prototype, MARK, { value: true });
