// One CSV cell as RFC 4180 wants it: quoted where needed, empty for a value that does not apply.
export type Cell = string | number | null;

export const csvCell = (c: Cell) => {
  if (c === null) return "";
  const s = String(c);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Rows as CSV text: CRLF line ends, a last line end. */
export const csvText = (rows: readonly (readonly Cell[])[]) =>
  rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
