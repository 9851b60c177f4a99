// The records of one nodes or decisions frame as raw objects, from either layout (a JSON record per line, or node columns), each with where it lies.
import { columnRecords, columnsAllowed, isColumnFrame } from "./node-columns.js";
import { PayloadLines } from "./payload-lines.js";
import { parseJson } from "./snapshot-reader.js";
import type { Frame } from "./snapshot-frames.js";

/**
 * Each record of `frame` (its payload inflated: `bytes`), parsed, with the place errors name (`frame F, node
 * record N`, N counted on in `seen` across frames). Throws IoError naming the frame or record on damage.
 */
export function* frameRecords(
  bytes: Buffer,
  frame: Frame,
  file: string,
  version: unknown,
  seen: Partial<Record<"nodes" | "decisions", number>>,
): Generator<{ raw: Record<string, unknown>; where: string }> {
  const type = frame.type === "nodes" ? "nodes" : "decisions";
  const kind = type === "nodes" ? "node" : "decision";
  const next = () => {
    const n = seen[type] ?? 0;
    seen[type] = n + 1;
    return `frame ${frame.index}, ${kind} record ${n}`;
  };
  if (type === "nodes" && isColumnFrame(bytes) && columnsAllowed(version)) {
    for (const raw of columnRecords(bytes, file, `frame ${frame.index} (nodes)`).records) yield { raw, where: next() };
    return;
  }
  const lines = new PayloadLines(bytes);
  for (let line = lines.next(); line !== undefined; line = lines.next()) {
    const where = next();
    yield { raw: parseJson(line, file, where), where };
  }
}
