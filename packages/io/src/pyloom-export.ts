// A Loom as a PyLoom tree file (socketteer/loom opens it with File → Open): nested nodes, chapters, the selected
// node, and model_responses rebuilt from each node's tokens; what the import kept in meta.import.pyloom goes back.
import type { Loom, LoomNode } from "@loom/core";
import { childrenOf } from "@loom/core";
import type { Json } from "./foreign-check.js";
import { isObject } from "./foreign-check.js";

const CHAPTER_TAG = "chapter: ";
const SOURCE = { generated: "AI", human: "prompt", seed: "prompt", edit: "mixed" } as const;

/** An ISO time in PyLoom's timestamp() format (%Y-%m-%d-%H.%M.%S; the import reads it as UTC). */
function pyloomStamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${p(d.getUTCHours())}.${p(d.getUTCMinutes())}.${p(d.getUTCSeconds())}`;
}

const importedOf = (n: LoomNode): Json => {
  const imp = n.meta.import;
  return isObject(imp) && isObject(imp.pyloom) ? imp.pyloom : {};
};

/** The node's own fields (children written after them). */
function nodeFields(loom: Loom, n: LoomNode, responses: Json, pruned: Set<string>): Json {
  const { meta: keptMeta, generation, chapter_id, file: _file, ...kept } = importedOf(n);
  const out: Json = { id: n.id, text: n.text };
  if (n.parentId !== null) out.parent_id = n.parentId;
  const meta: Json = { creation_timestamp: pyloomStamp(n.createdAt), source: SOURCE[n.origin], modified: false };
  if (isObject(keptMeta)) Object.assign(meta, keptMeta);
  out.meta = meta;
  const tags = (loom.tags[n.id] ?? []).filter((t) => !t.startsWith(CHAPTER_TAG));
  if (loom.bookmarks.includes(n.id) && !tags.includes("bookmark")) tags.push("bookmark");
  if (pruned.has(n.id) && !tags.includes("archived")) tags.push("archived");
  if (tags.length > 0) out.tags = tags;
  if (typeof chapter_id === "string") out.chapter_id = chapter_id;
  const tokens = n.tokens?.toArray();
  const ref = isObject(generation) && typeof generation.id === "string" ? generation : undefined;
  if (tokens && tokens.length > 0) {
    const rid = ref ? (ref.id as string) : `loom-${n.id}`;
    const index = ref && typeof ref.index === "number" ? ref.index : 0;
    const response = (responses[rid] ??= {
      id: rid,
      ...(typeof n.meta.model === "string" ? { model: n.meta.model } : {}),
    }) as Json;
    const completions = (response.completions ??= []) as unknown[];
    completions[index] = {
      text: n.text,
      ...(typeof n.meta.finishReason === "string" ? { finishReason: n.meta.finishReason } : {}),
      tokens: tokens.map((t) => ({
        generatedToken: { token: t.text, logprob: t.logprob ?? null },
        ...(t.top ? { counterfactuals: Object.fromEntries(t.top.map((a) => [a.text, a.logprob])) } : {}),
      })),
    };
    out.generation = { id: rid, index };
  } else if (ref) out.generation = ref;
  return { ...kept, ...out };
}

/** The PyLoom file for `loom`, as text (written without recursion, so any depth serialises). */
export function exportPyloom(loom: Loom): string {
  const root = loom.nodes[loom.rootId]!;
  const file = importedOf(root).file;
  const { model_responses: keptResponses, chapters: keptChapters, ...settings } = isObject(file) ? file : ({} as Json);
  const responses: Json = {};
  if (isObject(keptResponses)) for (const k in keptResponses) responses[k] = { ...(keptResponses[k] as Json) };
  const pruned = new Set<string>();
  for (const p of loom.pruned) pruned.add(p);
  const parts: string[] = [];
  // Each stack entry is a node to open, or the closing of one whose children are written.
  const stack: (LoomNode | "close" | "comma")[] = [root];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item === "close") {
      parts.push("]}");
      continue;
    }
    if (item === "comma") {
      parts.push(",");
      continue;
    }
    const fields = JSON.stringify(nodeFields(loom, item, responses, pruned));
    parts.push(fields.slice(0, -1), ',"children":[');
    stack.push("close");
    const children = childrenOf(loom, item.id);
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push(loom.nodes[children[i]!]!);
      if (i > 0) stack.push("comma");
    }
  }
  const chapters: Json = isObject(keptChapters) ? { ...keptChapters } : {};
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  const head = { ...settings, chapters, selected_node_id: tip, model_responses: responses };
  const headText = JSON.stringify(head);
  return `{"root":${parts.join("")},${headText.slice(1)}\n`;
}
