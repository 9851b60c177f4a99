// A session copied from one store to another (files to PostgreSQL and back): the loom, its side state, checked on arrival.
import { isDeepStrictEqual } from "node:util";
import type { Loom } from "@loom/core";
import { IoError } from "./io-error.js";
import type { SessionStore } from "./session-store.js";

/** Two records as stored (JSON: packed token lists and absent vs undefined fields compare equal; key order does not matter). */
const sameRecord = (a: unknown, b: unknown): boolean =>
  isDeepStrictEqual(JSON.parse(JSON.stringify(a) ?? "null"), JSON.parse(JSON.stringify(b) ?? "null"));

/** The first field where two looms differ (record by record: never one string for a whole loom), or null. */
function firstDifference(a: Loom, b: Loom): string | null {
  const { nodes: an, decisions: ad, ...aHead } = a;
  const { nodes: bn, decisions: bd, ...bHead } = b;
  for (const key of new Set([...Object.keys(aHead), ...Object.keys(bHead)]))
    if (!sameRecord(aHead[key as keyof typeof aHead], bHead[key as keyof typeof bHead])) return `loom.${key}`;
  for (const [what, x, y] of [
    ["nodes", an, bn],
    ["decisions", ad, bd],
  ] as const) {
    if (Object.keys(x).length !== Object.keys(y).length) return `loom.${what}`;
    for (const id in x) if (!sameRecord(x[id], (y as Record<string, unknown>)[id])) return `loom.${what}.${id}`;
  }
  return null;
}

export interface SessionCopy {
  nodes: number;
  decisions: number;
  /** The side state names copied with it. */
  state: string[];
}

/**
 * Copy session `fromId` of `from` into a new session `toId` of `to`, with its side state. The source is opened
 * for writing (so no writer changes it meanwhile: a session being written is refused, naming its writer) and
 * left as it was; the copy is read back and compared with the source before this returns.
 */
export async function copySession(
  from: SessionStore,
  fromId: string,
  to: SessionStore,
  toId: string,
): Promise<SessionCopy> {
  const source = await from.open(fromId);
  try {
    const names = await source.stateNames();
    const dest = await to.create(toId, source.loom);
    try {
      for (const name of names) {
        const value = await source.readState(name);
        if (value !== null) await dest.writeState(name, value);
      }
    } finally {
      await dest.close();
    }
    const { loom } = await to.read(toId);
    const differs = firstDifference(source.loom, loom);
    if (differs !== null) {
      throw new IoError(
        "damaged",
        `the copy of "${fromId}" in ${to.kind} reads back different from the source at ${differs}; the source is unchanged`,
        { file: toId, field: differs },
      );
    }
    return { nodes: Object.keys(loom.nodes).length, decisions: Object.keys(loom.decisions).length, state: names };
  } finally {
    await source.close();
  }
}
