// Numbers distinct texts in the order first seen (the same text, the same number), reading them from ranges of a longer string without cutting them out.

/*
 * Why: `loom analyze` compares the token texts of a step's candidates, 9,600 tokens a realistic session. As
 * strings, each was cut out of its token frame's texts column and then hashed into a Map per step to be
 * compared; numbered here straight from the column, only each distinct text becomes a string once, and
 * comparing two tokens is comparing two integers.
 */

const EMPTY = 0;

export class TextNumbers {
  /** Each number's text. */
  readonly texts: string[] = [];
  /** Each number's hash, to skip comparing texts that cannot be equal. */
  private readonly hashes: number[] = [];
  /** Open addressing: a number + 1, or EMPTY. */
  private slots = new Int32Array(1024);

  get size(): number {
    return this.texts.length;
  }

  /** The number of `text`. */
  numberOf(text: string): number {
    return this.numberOfRange(text, 0, text.length);
  }

  /** The number of each of `texts`. */
  numbersOf(texts: readonly string[]): number[] {
    const out: number[] = [];
    for (const t of texts) out.push(this.numberOf(t));
    return out;
  }

  /** The number of the text `s.slice(from, to)` (UTF-16 code units), without slicing it unless it is new. */
  numberOfRange(s: string, from: number, to: number): number {
    // FNV-1a over the code units.
    let h = 0x811c9dc5 | 0;
    for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot]!;
      if (entry === EMPTY) break;
      const n = entry - 1;
      if (this.hashes[n] === h && sameText(this.texts[n]!, s, from, to)) return n;
    }
    const n = this.texts.length;
    this.texts.push(from === 0 && to === s.length ? s : s.slice(from, to));
    this.hashes.push(h);
    if (2 * (n + 1) > slots.length) this.grow();
    else this.place(n);
    return n;
  }

  private place(n: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = this.hashes[n]! & mask;
    while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    slots[slot] = n + 1;
  }

  /** Twice the slots, every number placed again (the table stays at most half full). */
  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    for (let n = 0; n < this.texts.length; n++) this.place(n);
  }
}

function sameText(text: string, s: string, from: number, to: number): boolean {
  if (text.length !== to - from) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== s.charCodeAt(from + i)) return false;
  return true;
}
