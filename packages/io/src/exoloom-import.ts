// Reads an Exoloom export (a closed web app; its format as Tapestry Loom's migration-assistant reads it) as a Loom.
// Shape: {loomType: "Exoloom", version, schemaVersion: 1, tree: {title, description, createdAt, rootNodeId,
// nodes: {"<n>": {content, authorType: "USER" | "LLM", authorName, parentId, childrenIds, createdAt}}},
// lens: {bookmarks: [{nodeId}], prunedNodes: [{nodeId}]}}.
import {
  type CheckSite,
  type Json,
  arrayAt,
  isObject,
  objectAt,
  optStringAt,
  refuse,
  rest,
  stringAt,
} from "./foreign-check.js";
import { type ForeignImport, ForeignLoomBuilder } from "./foreign-loom.js";

const NODE_KEYS = new Set(["content", "authorType", "authorName", "parentId", "childrenIds", "createdAt"]);

export interface ExoloomOptions {
  now: string;
  title?: string;
  sessionId?: string;
}

const idText = (v: unknown) => (typeof v === "number" || typeof v === "string" ? String(v) : undefined);

function nodeIds(site: CheckSite, v: unknown, field: string): string[] {
  if (v === undefined) return [];
  return arrayAt(site, v, field, "a list of {nodeId}").map((e, i) => {
    const id = isObject(e) ? idText(e.nodeId) : undefined;
    return id ?? refuse(site, `${field}[${i}].nodeId`, "is missing", "a node id");
  });
}

export function convertExoloom(value: unknown, site: CheckSite, options: ExoloomOptions): ForeignImport {
  const doc = objectAt(site, value, "(top level)");
  if (doc.schemaVersion !== 1)
    refuse(site, "schemaVersion", `is ${JSON.stringify(doc.schemaVersion)}`, "1 (the version Loom knows)");
  const tree = objectAt(site, doc.tree, "tree", "an object {nodes, rootNodeId, …}");
  const nodes = objectAt(site, tree.nodes, "tree.nodes", "an object of node id → node");
  const rootId = idText(tree.rootNodeId) ?? refuse(site, "tree.rootNodeId", "is missing", "the root node's id");
  if (!isObject(nodes[rootId]))
    refuse(site, "tree.rootNodeId", `names "${rootId}", which is not in tree.nodes`, "a node of the tree");
  const lens = isObject(doc.lens) ? doc.lens : {};
  const bookmarks = new Set(nodeIds(site, lens.bookmarks, "lens.bookmarks"));
  const pruned = new Set(nodeIds(site, lens.prunedNodes, "lens.prunedNodes"));
  const b = new ForeignLoomBuilder(site, "exoloom", options.now);
  const stack: [string, string | null][] = [[rootId, null]];
  while (stack.length > 0) {
    const [id, parentId] = stack.pop()!;
    const field = `tree.nodes[${JSON.stringify(id)}]`;
    const n = objectAt(site, nodes[id], field, "a node {content, authorType, parentId, childrenIds}");
    const author = n.authorType;
    if (author !== "USER" && author !== "LLM")
      refuse(site, `${field}.authorType`, `is ${JSON.stringify(author)}`, '"USER" or "LLM"');
    const name = optStringAt(site, n.authorName, `${field}.authorName`);
    const created = optStringAt(site, n.createdAt, `${field}.createdAt`);
    const unmapped: Json = rest(n, NODE_KEYS) ?? {};
    if (author === "USER" && name !== undefined) unmapped.authorName = name;
    b.add(
      {
        id,
        parentId,
        text: stringAt(site, n.content, `${field}.content`),
        origin: parentId === null ? "seed" : author === "LLM" ? "generated" : "human",
        ...(created && !Number.isNaN(Date.parse(created)) ? { createdAt: new Date(created).toISOString() } : {}),
        ...(author === "LLM" && name !== undefined ? { meta: { model: name } } : {}),
        ...(Object.keys(unmapped).length > 0 ? { unmapped } : {}),
      },
      field,
    );
    if (bookmarks.has(id)) b.bookmark(id);
    const kids = arrayAt(site, n.childrenIds ?? [], `${field}.childrenIds`, "a list of node ids");
    for (let i = kids.length - 1; i >= 0; i--) {
      const kid = idText(kids[i]) ?? refuse(site, `${field}.childrenIds[${i}]`, "is not a node id", "a node id");
      if (!isObject(nodes[kid]))
        refuse(site, `${field}.childrenIds[${i}]`, `names "${kid}", which is not in tree.nodes`, "a node of the tree");
      stack.push([kid, id]);
    }
  }
  const built = b.build({
    ...(typeof tree.title === "string" && tree.title !== ""
      ? { title: tree.title }
      : options.title
        ? { title: options.title }
        : {}),
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    fileUnmapped: { ...rest(doc, new Set(["tree", "lens"])), tree: rest(tree, new Set(["nodes", "rootNodeId"])) ?? {} },
  });
  // Exoloom's pruned nodes are hidden and restorable, as Loom's pruned subtrees are.
  built.loom.pruned = [...pruned].filter((id) => b.has(id) && id !== rootId);
  return built;
}
