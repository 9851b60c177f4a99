// How a path chunk keeps its texts in one PostgreSQL `text` value: raw, with the few characters such a value cannot carry escaped.
//
// A `text` value refuses NUL, and the UTF-8 it is sent as cannot carry a lone surrogate; a backslash is the escape
// character, so it is escaped too. Everything else is stored as it is, so reading a chunk back is a scan for a
// backslash and, in the usual case of none, no work at all (JSON string literals cost a full parse of every
// character: ~70-150 ms of CPU for the 8.5 MB of a 125,000-entry path, measured in bench/MEASUREMENTS.md).

const NEEDS_ESCAPE = /[\\\0]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPED = /\\(u[0-9a-f]{4}|[\s\S]|$)/g;

function escapeOne(c: string): string {
  if (c === "\\") return "\\\\";
  if (c === "\0") return "\\0";
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** `text` as a chunk stores it. */
export function encodePathText(text: string): string {
  return text.replace(NEEDS_ESCAPE, escapeOne);
}

/** The text `encodePathText` stored as `stored`; null when `stored` holds an escape it never writes. */
export function decodePathText(stored: string): string | null {
  if (!stored.includes("\\")) return stored;
  let bad = false;
  const text = stored.replace(ESCAPED, (_, e: string) => {
    if (e === "\\") return "\\";
    if (e === "0") return "\0";
    if (e.length === 5) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    // Any other escape, or a backslash at the very end: nothing writes those.
    bad = true;
    return "";
  });
  return bad ? null : text;
}
