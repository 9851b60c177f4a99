// Reads a MiniLoom / MiniHF file (JD-P/miniloom: {loomTree: {nodeStore}, focus}, as its renderer's saveFile writes it) as a Loom.
// Each node is a patch against its parent's rendered text (LoomTree.createNode: patch_make(parentText, text));
// its full text is the root's patches applied in turn. Ratings (thumbs up / down) become the score `rating`.
import {
  type CheckSite,
  type Json,
  arrayAt,
  isObject,
  objectAt,
  optBooleanAt,
  optNumberAt,
  optStringAt,
  refuse,
  rest,
} from "./foreign-check.js";
import { type ForeignImport, ForeignLoomBuilder } from "./foreign-loom.js";
import { applyMiniloomPatch } from "./miniloom-patch.js";

const NODE_KEYS = new Set([
  "id",
  "timestamp",
  "type",
  "patch",
  "rating",
  "parent",
  "children",
  "model",
  "finishReason",
]);
const FILE_KEYS = new Set(["loomTree", "focus"]);
const ORIGINS = { root: "seed", user: "human", gen: "generated", rewrite: "edit" } as const;

export interface MiniloomOptions {
  now: string;
  title?: string;
  sessionId?: string;
}

/** The nodes above, nearest first, each with its full text: shared by siblings, so the walk copies nothing. */
interface Chain {
  id: string;
  text: string;
  up: Chain | null;
}

interface Frame {
  id: string;
  /** The nearest node above in Loom (where this one hangs), and the full text there. */
  parentId: string | null;
  parentText: string;
  /** MiniLoom's own parent, which a rewrite may not extend. */
  miniParent: string | null;
}

export function convertMiniloom(value: unknown, site: CheckSite, options: MiniloomOptions): ForeignImport {
  const doc = objectAt(site, value, "(top level)", "a MiniLoom file {loomTree, focus}");
  const tree = objectAt(site, doc.loomTree, "loomTree", "an object {nodeStore}");
  const store = objectAt(site, tree.nodeStore, "loomTree.nodeStore", "an object of node id → node");
  const b = new ForeignLoomBuilder(site, "miniloom", options.now);
  const at = (id: string) => `loomTree.nodeStore[${JSON.stringify(id)}]`;
  if (!isObject(store["1"]))
    refuse(site, at("1"), "is missing", 'the root node, id "1" (LoomTree.loadFromData starts there)');

  let rewrites = 0;
  let rated = 0;
  // Full texts are kept only along the walk (a parent's until its children are done), never for every node at once.
  const stack: { frame: Frame; ancestors: Chain | null }[] = [
    { frame: { id: "1", parentId: null, parentText: "", miniParent: null }, ancestors: null },
  ];
  while (stack.length > 0) {
    const { frame, ancestors } = stack.pop()!;
    const field = at(frame.id);
    const o = objectAt(site, store[frame.id], field, "a node {id, type, patch, parent, children, …}");
    if (o.id !== undefined && String(o.id) !== frame.id)
      refuse(site, `${field}.id`, `is "${String(o.id)}"`, `the key it is stored under, "${frame.id}"`);
    const parent = o.parent === undefined || o.parent === null ? null : String(o.parent);
    if (parent !== frame.miniParent)
      refuse(
        site,
        `${field}.parent`,
        `is ${JSON.stringify(o.parent ?? null)}`,
        `the node whose children list it (${JSON.stringify(frame.miniParent)})`,
      );
    const type = optStringAt(site, o.type, `${field}.type`) ?? (parent === null ? "root" : "gen");
    const full = applyMiniloomPatch(site, o.patch, frame.parentText, `${field}.patch`);
    // A node normally extends its parent's text. A rewrite (or an edit of a user node) may change it: it then
    // hangs under the nearest ancestor whose text it does extend, as an edit; its MiniLoom parent is kept.
    let parentId = frame.parentId;
    let parentText = frame.parentText;
    let hung = ancestors;
    if (!full.startsWith(parentText)) {
      while (hung !== null && !full.startsWith(hung.text)) hung = hung.up;
      if (hung === null)
        refuse(site, `${field}.patch`, "gives a text that extends no ancestor's", "a patch against the parent's text");
      parentId = hung.id;
      parentText = hung.text;
      rewrites++;
    }
    const unmapped: Json = rest(o, NODE_KEYS) ?? {};
    if (parentId !== frame.parentId) unmapped.parent = parent;
    const scores: Record<string, number> = {};
    const rating = optBooleanAt(site, o.rating, `${field}.rating`);
    if (rating !== undefined) {
      scores.rating = rating ? 1 : -1;
      rated++;
    }
    const meta: Json = {};
    const model = optStringAt(site, o.model, `${field}.model`);
    if (model !== undefined) meta.model = model;
    const finish = optStringAt(site, o.finishReason, `${field}.finishReason`);
    if (finish !== undefined) meta.finishReason = finish;
    const stamp = optNumberAt(site, o.timestamp, `${field}.timestamp`, "milliseconds since 1970");
    const origin = ORIGINS[type as keyof typeof ORIGINS];
    if (origin === undefined) unmapped.type = type;
    b.add(
      {
        id: frame.id,
        parentId,
        text: full.slice(parentText.length),
        origin: parentId === null ? "seed" : (origin ?? "generated"),
        ...(stamp !== undefined ? { createdAt: new Date(stamp).toISOString() } : {}),
        scores,
        ...(Object.keys(meta).length > 0 ? { meta } : {}),
        ...(Object.keys(unmapped).length > 0 ? { unmapped } : {}),
      },
      field,
    );
    const children =
      o.children === undefined ? [] : arrayAt(site, o.children, `${field}.children`, "a list of node ids");
    const below: Chain = { id: frame.id, text: full, up: hung };
    for (let i = children.length - 1; i >= 0; i--) {
      const cid = children[i];
      if (typeof cid !== "string" && typeof cid !== "number")
        refuse(site, `${field}.children[${i}]`, "is not a node id", "a node id");
      const id = String(cid);
      if (!isObject(store[id]))
        refuse(site, `${field}.children[${i}]`, `names "${id}", which is not in nodeStore`, "a node of nodeStore");
      stack.push({ frame: { id, parentId: frame.id, parentText: full, miniParent: frame.id }, ancestors: below });
    }
  }
  const unreachable = Object.keys(store).filter((id) => !b.has(id));
  if (unreachable.length > 0)
    refuse(
      site,
      at(unreachable[0]!),
      "is not reachable from the root through children lists",
      "every node listed in its parent's children",
    );
  let tip: string | undefined;
  if (isObject(doc.focus)) {
    tip = String(doc.focus.id);
    if (!b.has(tip)) refuse(site, "focus.id", `names "${tip}", which is not in nodeStore`, "a node of nodeStore");
  }
  if (rewrites > 0)
    b.warn(
      `${rewrites} node(s) rewrite their parent's text: each hangs, as an edit, under the nearest ancestor whose text it extends (MiniLoom's parent kept in meta.import.miniloom.parent)`,
    );
  if (rated > 0) b.warn(`${rated} rating(s) kept as the score "rating" (thumbs up 1, down -1)`);
  const fileUnmapped = rest(doc, FILE_KEYS);
  return b.build({
    tip,
    ...(options.title ? { title: options.title } : {}),
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    ...(fileUnmapped ? { fileUnmapped } : {}),
  });
}
