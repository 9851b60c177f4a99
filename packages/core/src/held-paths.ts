// Held paths: other branches kept for later, listed with short ids (h1, h2…) and switched to as a swap with the current path.
import { LoomError } from "./errors.js";
import type { Loom } from "./loom.js";
import { getNode, pathText, rootPath } from "./text.js";
import { pathTokenCount } from "./token-count.js";

/** One held path as the CLI, the API, the page and the agent list it. */
export interface HeldPathRow {
  /** `h1`, `h2`… in the order the paths were held (an id shifts when an earlier path is released or switched to). */
  heldId: string;
  tipId: string;
  /** Nodes on the path after the root. */
  depth: number;
  tokens: number;
  /** The last node the held path shares with the current path. */
  branchesFrom: string;
  /** The end of the path's text (up to `tailChars` characters). */
  textEnd: string;
}

const HELD_ID = /^h([1-9]\d*)$/;

export function heldPathRows(loom: Loom, tailChars = 160): HeldPathRow[] {
  const onCurrent = new Set(loom.currentPath);
  return loom.heldPaths.map((path, i) => {
    let shared = path[0]!;
    for (const id of path) {
      if (!onCurrent.has(id)) break;
      shared = id;
    }
    const text = pathText(loom, path);
    return {
      heldId: `h${i + 1}`,
      tipId: path[path.length - 1]!,
      depth: path.length - 1,
      tokens: pathTokenCount(loom, path),
      branchesFrom: shared,
      textEnd: text.length > tailChars ? `…${text.slice(-tailChars)}` : text,
    };
  });
}

/** The tip of the held path `ref` names (`h2`, or a held path's tip id), or null when it names none. */
export function heldTip(loom: Loom, ref: string): string | null {
  const m = HELD_ID.exec(ref);
  if (m) {
    const path = loom.heldPaths[Number(m[1]) - 1];
    if (!path) {
      throw new LoomError(
        "invalid_path",
        `no held path "${ref}": ${loom.heldPaths.length === 0 ? "none is held" : `the held paths are h1…h${loom.heldPaths.length}`}`,
      );
    }
    return path[path.length - 1]!;
  }
  return loom.heldPaths.some((p) => p[p.length - 1] === ref) ? ref : null;
}

/**
 * The `switchPath` op: the current path is held (unless the target continues it, or it is held already),
 * the target stops being held if it was, and the target's root path becomes the current path.
 */
export function applySwitch(loom: Loom, tipId: string): void {
  getNode(loom, tipId);
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  if (tipId === tip) throw new LoomError("invalid_path", `node "${tipId}" is already the tip of the current path`);
  const target = rootPath(loom, tipId);
  const keep = !target.includes(tip) && !loom.heldPaths.some((p) => p[p.length - 1] === tip);
  if (keep) loom.heldPaths.push([...loom.currentPath]);
  loom.heldPaths = loom.heldPaths.filter((p) => p[p.length - 1] !== tipId);
  loom.currentPath = target;
}
