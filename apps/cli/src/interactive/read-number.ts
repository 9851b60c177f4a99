// A candidate number typed at the keyboard: one digit, or several (then Enter) when there are ten or more to choose from.
import type { Output } from "../cli/output.js";
import type { KeyInput } from "./key-input.js";

/**
 * Digits accumulate while a longer valid number could still follow; Enter ends early, Backspace
 * edits, anything else cancels (null). "12" among 12 candidates picks the twelfth, "1" then Enter the first.
 */
export async function readNumber(
  keys: KeyInput,
  out: Output,
  first: number,
  count: number,
  signal: AbortSignal,
): Promise<number | null> {
  let typed = String(first);
  out.write(typed);
  while (Number(typed) * 10 <= count) {
    const key = await keys.next(signal);
    if (/^[0-9]$/.test(key.sequence)) {
      typed += key.sequence;
      out.write(key.sequence);
    } else if (key.name === "return" || key.name === "enter") break;
    else if (key.name === "backspace") {
      typed = typed.slice(0, -1);
      out.write("\b \b");
      if (typed === "") return null;
    } else return null;
  }
  return Number(typed);
}
