// Reads a PyLoom tree (socketteer/loom: the JSON its TreeModel.save_tree writes, or a bare exported subtree) as a Loom.
// Shape (model.py): {root: node, chapters, selected_node_id, model_responses, …settings}; a node is
// {id, text, children: [node…], parent_id, meta: {creation_timestamp, source, modified}, generation: {id, index},
// tags, chapter_id, …}. Generated nodes point into model_responses, whose tokens become Loom tokens.
import type { Json } from "./foreign-check.js";
import {
  type CheckSite,
  type LazyField,
  SubField,
  arrayAt,
  isObject,
  objectAt,
  optNumberAt,
  refuse,
  rest,
  stringAt,
} from "./foreign-check.js";
import { type ForeignImport, ForeignLoomBuilder, type ForeignNodeInput } from "./foreign-loom.js";
import { pyloomCompletion } from "./pyloom-tokens.js";

const NODE_KEYS = new Set(["id", "text", "children", "parent_id", "meta", "generation", "tags", "chapter_id"]);
const META_KEYS = new Set(["creation_timestamp", "source"]);
const FILE_KEYS = new Set(["root", "selected_node_id", "model_responses"]);

/** PyLoom's timestamp() ("%Y-%m-%d-%H.%M.%S", the writer's local time, zone not recorded) as ISO, read as UTC. */
export function pyloomTime(s: string): string | undefined {
  // Checked by character rather than by a regular expression: its match array and six captures per node were
  // a tenth of what converting a 100,000-node file allocated.
  if (s.length !== 19) return undefined;
  for (let i = 0; i < 19; i++) {
    const c = s.charCodeAt(i);
    const want = PYLOOM_TIME_SEPARATORS[i];
    if (want === 0 ? c < 48 || c > 57 : c !== want) return undefined;
  }
  return `${s.slice(0, 10)}T${s.slice(11, 13)}:${s.slice(14, 16)}:${s.slice(17)}.000Z`;
}

/** "%Y-%m-%d-%H.%M.%S" by position: 0 where a digit goes, else the separator's character code. */
const PYLOOM_TIME_SEPARATORS = [0, 0, 0, 0, 45, 0, 0, 45, 0, 0, 45, 0, 0, 46, 0, 0, 46, 0, 0];

/** A stored model response, named only when a message needs it. */
class ResponseField implements LazyField {
  constructor(private readonly rid: string) {}
  fieldPath(): string {
    return `model_responses[${JSON.stringify(this.rid)}]`;
  }
}

/** Whether `o` has an own key (Object.keys(o).length > 0 without the array). */
function hasKeys(o: Json): boolean {
  for (const _ in o) return true;
  return false;
}

/** A node's meta without what Loom maps (creation_timestamp, source) and without `modified: false`, the default. */
function metaLeft(meta: Json): Json {
  const out: Json = {};
  for (const key in meta) {
    if (META_KEYS.has(key) || (key === "modified" && meta[key] === false)) continue;
    out[key] = meta[key];
  }
  return out;
}

/** A node on the walk's stack; it names itself in a message (the path is built only then, from its parents). */
class Frame implements LazyField {
  constructor(
    readonly node: unknown,
    readonly parentId: string | null,
    readonly parent: Frame | null,
    readonly index: number,
    private readonly top: string,
  ) {}

  /** Its path ("root.children[0].children[2]"): building it per node would cost depth × nodes. */
  fieldPath(): string {
    const parts: string[] = [];
    for (let at: Frame | null = this; at?.parent; at = at.parent) parts.push(`.children[${at.index}]`);
    return this.top + parts.reverse().join("");
  }
}

export interface PyloomOptions {
  title?: string;
  now: string;
  sessionId?: string;
}

export function convertPyloom(value: unknown, site: CheckSite, options: PyloomOptions): ForeignImport {
  const b = new ForeignLoomBuilder(site, "pyloom", options.now);
  /** An optional string, checked; the field path is built only for the message. */
  const optString = (v: unknown, f: Frame, suffix: string) =>
    v === undefined || v === null ? undefined : typeof v === "string" ? v : stringAt(site, v, new SubField(f, suffix));
  let doc: Json = {};
  let root: unknown;
  let top = "root";
  if (isObject(value) && "root" in value) {
    doc = value;
    root = value.root;
  } else if (isObject(value) && "text" in value) {
    root = value; // load_tree_data: "json file with a root node"
    top = "(top level)";
  } else if (Array.isArray(value)) {
    root = { text: "", children: value }; // load_tree_data: a list of nodes under an empty root
    top = "(top level)";
  } else {
    refuse(site, "root", "is missing", 'a PyLoom tree {"root": {"text", "children": […]}, …}');
  }
  const responses = doc.model_responses === undefined ? {} : objectAt(site, doc.model_responses, "model_responses");
  const chapters = doc.chapters === undefined ? {} : objectAt(site, doc.chapters, "chapters");

  let generatedIds = 0;
  let parentMismatch = 0;
  let edited = 0;
  let missingResponse = 0;
  let badTime = 0;
  let withTokens = 0;
  let timed = 0;
  const stack: Frame[] = [new Frame(root, null, null, 0, top)];
  while (stack.length > 0) {
    const f = stack.pop()!;
    // Each check below runs on every node; its field path (a SubField of the frame) is built only when one fails.
    const o = isObject(f.node) ? f.node : objectAt(site, f.node, f, "a PyLoom node {text, children, …}");
    const text = typeof o.text === "string" ? o.text : stringAt(site, o.text, new SubField(f, ".text"));
    let id: string;
    if (typeof o.id === "string" && o.id !== "") id = o.id;
    else if (typeof o.id === "number") id = String(o.id);
    else if (o.id === undefined || o.id === null) {
      id = `pyloom-${++generatedIds}`; // fix_tree gives such nodes a fresh id on load, too
      while (b.has(id)) id = `pyloom-${++generatedIds}`;
    } else refuse(site, new SubField(f, ".id"), "is not a string", "a node id");
    if (o.parent_id !== undefined && o.parent_id !== null && o.parent_id !== f.parentId) parentMismatch++;

    const unmapped = rest(o, NODE_KEYS) ?? {};
    const input: ForeignNodeInput = { id, parentId: f.parentId, text };
    if (o.meta !== undefined && o.meta !== null) {
      const meta = isObject(o.meta) ? o.meta : objectAt(site, o.meta, new SubField(f, ".meta"));
      const stamp = optString(meta.creation_timestamp, f, ".meta.creation_timestamp");
      const createdAt = stamp === undefined ? undefined : pyloomTime(stamp);
      if (createdAt !== undefined) {
        timed++;
        input.createdAt = createdAt;
      }
      if (stamp !== undefined && createdAt === undefined) badTime++;
      const source = optString(meta.source, f, ".meta.source");
      const origin = source === "AI" ? "generated" : source === "prompt" || source === "mixed" ? "human" : undefined;
      if (origin !== undefined && f.parentId !== null) input.origin = origin;
      const metaRest = metaLeft(meta);
      if (source === "mixed" || (source !== undefined && origin === undefined)) metaRest.source = source;
      if (stamp !== undefined && createdAt === undefined) metaRest.creation_timestamp = stamp;
      if (hasKeys(metaRest)) unmapped.meta = metaRest;
    }

    if (o.generation !== undefined && o.generation !== null) {
      const g = isObject(o.generation)
        ? o.generation
        : objectAt(site, o.generation, new SubField(f, ".generation"), "an object {id, index}");
      const rid =
        typeof g.id === "string"
          ? g.id
          : stringAt(site, g.id, new SubField(f, ".generation.id"), "the id of a model response");
      const gi = g.index;
      const index =
        typeof gi === "number" && Number.isFinite(gi)
          ? gi
          : (optNumberAt(site, gi, new SubField(f, ".generation.index"), "a completion index") ?? 0);
      unmapped.generation = { id: rid, index };
      const response = responses[rid];
      if (response === undefined) missingResponse++;
      else {
        const rf = new ResponseField(rid);
        const r = isObject(response) ? response : objectAt(site, response, rf);
        const provenance: Json = {};
        if (typeof r.model === "string") provenance.model = r.model;
        const completion = pyloomCompletion(site, r, index, rf, text);
        if (completion === undefined) missingResponse++;
        else {
          if (completion.finishReason !== undefined) provenance.finishReason = completion.finishReason;
          if (completion.spells) {
            input.tokens = completion.tokens;
            input.stepLogprob = completion.stepLogprob;
            withTokens++;
          } else if (completion.tokens.length > 0) edited++;
        }
        if (hasKeys(provenance)) input.meta = provenance;
      }
    }
    if (o.tags !== undefined && o.tags !== null) {
      const tags = arrayAt(site, o.tags, new SubField(f, ".tags"), "a list of tag names");
      for (let i = 0; i < tags.length; i++) {
        const tag = stringAt(site, tags[i], new SubField(f, `.tags[${i}]`), "a tag name");
        b.tag(id, tag);
        if (tag === "bookmark") b.bookmark(id);
      }
    }
    if (o.chapter_id !== undefined && o.chapter_id !== null) {
      const cid = stringAt(site, o.chapter_id, new SubField(f, ".chapter_id"), "a chapter id");
      const chapter = chapters[cid];
      const title = isObject(chapter) && typeof chapter.title === "string" ? chapter.title : cid;
      b.tag(id, `chapter: ${title}`);
      unmapped.chapter_id = cid;
    }
    if (hasKeys(unmapped)) input.unmapped = unmapped;
    b.add(input, f);
    const children =
      o.children === undefined
        ? []
        : Array.isArray(o.children)
          ? o.children
          : arrayAt(site, o.children, new SubField(f, ".children"));
    for (let i = children.length - 1; i >= 0; i--) stack.push(new Frame(children[i], id, f, i, top));
  }

  let tip: string | undefined;
  if (doc.selected_node_id !== undefined && doc.selected_node_id !== null) {
    tip = stringAt(site, doc.selected_node_id, "selected_node_id", "the id of a node in the tree");
    if (!b.has(tip)) refuse(site, "selected_node_id", `names "${tip}", which is not in the tree`, "a node of the tree");
  }
  if (generatedIds > 0) b.warn(`${generatedIds} node(s) had no id (PyLoom gives them one on load); named pyloom-N`);
  if (parentMismatch > 0)
    b.warn(`${parentMismatch} node(s) had a parent_id other than the node they sit under; the nesting was kept`);
  if (withTokens > 0) b.warn(`${withTokens} generated node(s) keep their model response's tokens and logprobs`);
  if (edited > 0)
    b.warn(
      `${edited} generated node(s) were edited after generation (their tokens no longer spell the text): text kept, tokens not attached`,
    );
  if (missingResponse > 0)
    b.warn(`${missingResponse} generated node(s) point at a model response the file does not hold: no tokens for them`);
  if (badTime > 0) b.warn(`${badTime} creation_timestamp(s) were not PyLoom's %Y-%m-%d-%H.%M.%S: kept as written`);
  if (timed > 0) b.warn(`${timed} creation time(s) carry no time zone in PyLoom: read as UTC`);
  const fileUnmapped = rest(doc, FILE_KEYS);
  const kept = { ...fileUnmapped };
  if (Object.keys(responses).length > 0) {
    // The completions live on the nodes now (as tokens); the rest of each response (model, prompt, time) is kept.
    const stripped: Json = {};
    for (const rid in responses) {
      const r = responses[rid];
      if (isObject(r)) {
        const { completions: _c, choices: _ch, ...other } = r;
        stripped[rid] = other;
      }
    }
    kept.model_responses = stripped;
  }
  return b.build({
    tip,
    ...(options.title ? { title: options.title } : {}),
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    ...(Object.keys(kept).length > 0 ? { fileUnmapped: kept } : {}),
  });
}
