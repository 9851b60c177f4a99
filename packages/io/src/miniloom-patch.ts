// Applies a MiniLoom node's patch (diff-match-patch patch objects, as patch_make returns them and JSON keeps
// them: {diffs: [[op, text]…], start1, start2, length1, length2}) to its parent's text.
import { type CheckSite, arrayAt, objectAt, optNumberAt, refuse, stringAt } from "./foreign-check.js";

const DELETE = -1;
const INSERT = 1;

/**
 * The parent's text with `patch` applied. Each hunk's old text is looked for where the patch says (start2, shifted
 * by how far earlier hunks landed from their place, as diff-match-patch's patch_apply does); a patch made against
 * this very text always lands there. A hunk found nowhere is refused: the file's text would be guesswork.
 */
export function applyMiniloomPatch(site: CheckSite, patch: unknown, text: string, field: string): string {
  if (patch === "" || patch === null || patch === undefined) return text;
  const hunks = arrayAt(site, patch, field, 'a list of diff-match-patch patches, or ""');
  let out = text;
  let delta = 0;
  for (let i = 0; i < hunks.length; i++) {
    const hf = `${field}[${i}]`;
    const h = objectAt(site, hunks[i], hf, "a patch {diffs, start1, start2, length1, length2}");
    const diffs = arrayAt(site, h.diffs, `${hf}.diffs`, "a list of [operation, text] pairs");
    const start2 = optNumberAt(site, h.start2, `${hf}.start2`, "a character offset");
    if (start2 === undefined) refuse(site, `${hf}.start2`, "is missing", "a character offset");
    let before = "";
    let after = "";
    for (let j = 0; j < diffs.length; j++) {
      const df = `${hf}.diffs[${j}]`;
      const d = arrayAt(site, diffs[j], df, "an [operation, text] pair");
      const op = d[0];
      if (op !== DELETE && op !== 0 && op !== INSERT)
        refuse(site, `${df}[0]`, `is ${JSON.stringify(op)}`, "-1, 0 or 1");
      const piece = stringAt(site, d[1], `${df}[1]`);
      if (op !== INSERT) before += piece;
      if (op !== DELETE) after += piece;
    }
    const expected = start2 + delta;
    let at = out.startsWith(before, expected) ? expected : -1;
    if (at < 0 && before !== "") {
      // Nearest occurrence to where it should be (diff-match-patch would match fuzzily; an exact find is what
      // a patch made against an unchanged parent needs).
      const after1 = out.indexOf(before, Math.max(0, expected));
      const before1 = out.lastIndexOf(before, Math.max(0, expected));
      at = after1 < 0 ? before1 : before1 < 0 ? after1 : expected - before1 <= after1 - expected ? before1 : after1;
    }
    if (before === "" && at < 0) at = Math.min(Math.max(expected, 0), out.length);
    if (at < 0)
      refuse(
        site,
        hf,
        "does not apply to its parent's text (its old text is not there)",
        "a patch made against the parent node's text",
      );
    delta = at - expected;
    out = out.slice(0, at) + after + out.slice(at + before.length);
  }
  return out;
}
