// JSON.parse that keeps integers beyond 2^53 exact, as strings: Tapestry Loom's node ids are random u64s, which
// JSON.parse would round (two nodes could then share an id, or a child point at no parent).
import type { CheckSite } from "./foreign-check.js";
import { refuse } from "./foreign-check.js";

const isDigit = (c: number) => c >= 48 && c <= 57;

/** `text` with every integer literal of 16 or more digits outside strings put in quotes. */
export function quoteBigIntegers(text: string): string {
  const parts: string[] = [];
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (isDigit(c) || c === 45) {
      // One whole number token: sign, digits, then any fraction and exponent (so their digits are never taken alone).
      let j = c === 45 ? i + 1 : i;
      while (j < text.length && isDigit(text.charCodeAt(j))) j++;
      const digitsEnd = j;
      let integer = true;
      for (;;) {
        const d = text.charCodeAt(j);
        if (
          d === 46 ||
          d === 101 ||
          d === 69 ||
          ((d === 43 || d === 45) && j > digitsEnd) ||
          (isDigit(d) && j > digitsEnd)
        ) {
          integer = false;
          j++;
        } else break;
      }
      if (integer && digitsEnd - i >= 16) {
        parts.push(text.slice(from, i), '"', text.slice(i, digitsEnd), '"');
        from = digitsEnd;
      }
      i = j - 1;
    }
  }
  if (from === 0) return text;
  parts.push(text.slice(from));
  return parts.join("");
}

/** Parse with big integers kept exact (see quoteBigIntegers). */
export function parseKeepingBigIntegers(text: string, site: CheckSite): unknown {
  try {
    return JSON.parse(quoteBigIntegers(text));
  } catch (error) {
    return refuse(site, "(whole file)", `is not valid JSON (${(error as Error).message})`, "a JSON weave");
  }
}
