// Reads a Tapestry Loom weave in its JSON form (transkatgirl/Tapestry-Loom: TapestryWeave::to_json, what
// migration-assistant --output-debug-json writes) as a Loom, keeping its token probabilities as Loom tokens.
// Shape (universal_weave's IndependentWeave + tapestry_weave's NodeContent): {nodes: {"<u64>": {id, from: [ids],
// to: [ids], active, bookmarked, contents: {timestamp, modified, content, metadata, creator}}}, roots, active,
// bookmarked, metadata: {title, description, created, converted_from, metadata}}. content is {"Snippet": base64}
// | {"Tokens": [{bytes: base64, logprob, id, entropy, counterfactual: [{bytes, logprob, id}], original}]}
// | "MetadataOnly"; creator is {"Model": {label, …} | null} | {"User" or "Human": {label, …} | null} | "Unknown" (the
// human variant is "Human" in tapestry-weave's v1/content.rs at 01f907557a9c). Today's tool wraps the weave as
// {"version": 1, "data": weave}. The binary .tapestry forms are decoded into this same shape by tapestry-binary.ts.
import type { Token, TopLogprob } from "@loom/core";
import { parseKeepingBigIntegers } from "./big-int-json.js";
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
  stringAt,
} from "./foreign-check.js";
import { type ForeignImport, ForeignLoomBuilder } from "./foreign-loom.js";

/** The synthetic root's id when a weave has several roots. */
export const TAPESTRY_ROOT = "tapestry-root";

const NODE_KEYS = new Set(["id", "from", "to", "active", "bookmarked", "contents"]);
const CONTENT_KEYS = new Set(["timestamp", "content", "creator"]);
const utf8 = new TextDecoder("utf-8", { fatal: true });
const lossy = new TextDecoder("utf-8");

const nonEmpty = (v: unknown): v is Json => isObject(v) && Object.keys(v).length > 0;

const idOf = (site: CheckSite, v: unknown, field: string): string => {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return String(v);
  if (typeof v === "string" && /^\d+$/.test(v)) return v;
  return refuse(site, field, `is ${JSON.stringify(v)}`, "a node id (an unsigned integer)");
};

function bytesAt(site: CheckSite, v: unknown, field: string): Buffer {
  const s = stringAt(site, v, field, "base64 bytes");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s))
    refuse(site, field, "is not base64", "base64 bytes (Tapestry's Base64Standard)");
  return Buffer.from(s, "base64");
}

/** A jiff Zoned ("2025-05-01T10:00:00-04:00[America/New_York]") as an ISO instant. */
function instant(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s.replace(/\[[^\]]*\]$/, ""));
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

interface Content {
  text: string;
  tokens?: Token[];
  unmapped?: Json;
}

function readContent(site: CheckSite, v: unknown, field: string, counts: { lossy: number; split: number }): Content {
  if (v === "MetadataOnly") return { text: "" };
  const c = objectAt(site, v, field, '{"Snippet": base64}, {"Tokens": […]} or "MetadataOnly"');
  if ("Snippet" in c) {
    const bytes = bytesAt(site, c.Snippet, `${field}.Snippet`);
    try {
      return { text: utf8.decode(bytes) };
    } catch {
      counts.lossy++;
      return { text: lossy.decode(bytes), unmapped: { snippet: c.Snippet } };
    }
  }
  if (!("Tokens" in c))
    refuse(site, field, `has ${Object.keys(c)[0] ?? "nothing"}`, '{"Snippet": …}, {"Tokens": …} or "MetadataOnly"');
  const list = arrayAt(site, c.Tokens, `${field}.Tokens`);
  const tokens: Token[] = [];
  const all: Buffer[] = [];
  const entropy: (number | null)[] = [];
  const original: Json = {};
  const tokenMetadata: Json = {}; // per token (and its counterfactuals'), by index: Loom tokens have no metadata
  let whole = true;
  for (let i = 0; i < list.length; i++) {
    const tf = `${field}.Tokens[${i}]`;
    const t = objectAt(site, list[i], tf, "a token {bytes, logprob, id, entropy, counterfactual, original}");
    const bytes = bytesAt(site, t.bytes, `${tf}.bytes`);
    all.push(bytes);
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      whole = false; // a token that is part of a character: only the whole node decodes
      text = "";
    }
    const token: Token = { text };
    const lp = optNumberAt(site, t.logprob, `${tf}.logprob`, "a logprob");
    if (lp !== undefined) token.logprob = lp;
    const id = optNumberAt(site, t.id, `${tf}.id`, "a token id");
    if (id !== undefined && Number.isSafeInteger(id)) token.id = id;
    const top: TopLogprob[] = [];
    const cf = t.counterfactual === undefined ? [] : arrayAt(site, t.counterfactual, `${tf}.counterfactual`);
    for (let j = 0; j < cf.length; j++) {
      const af = `${tf}.counterfactual[${j}]`;
      const a = objectAt(site, cf[j], af, "a counterfactual token {bytes, logprob, id}");
      const alp = optNumberAt(site, a.logprob, `${af}.logprob`, "a logprob");
      const ab = bytesAt(site, a.bytes, `${af}.bytes`);
      if (alp === undefined) continue;
      const alt: TopLogprob = { text: lossy.decode(ab), logprob: alp };
      const aid = optNumberAt(site, a.id, `${af}.id`);
      if (aid !== undefined && Number.isSafeInteger(aid) && aid >= 0) alt.id = aid;
      top.push(alt);
    }
    if (top.length > 0) token.top = top.sort((a, b) => b.logprob - a.logprob);
    tokens.push(token);
    entropy.push(optNumberAt(site, t.entropy, `${tf}.entropy`) ?? null);
    if (t.original !== undefined && t.original !== "Unmodified") original[i] = t.original;
    const cfMeta = cf.map((a) => (isObject(a) && nonEmpty(a.metadata) ? a.metadata : null));
    if (nonEmpty(t.metadata) || cfMeta.some((m) => m !== null))
      tokenMetadata[i] = { metadata: t.metadata ?? {}, counterfactual: cfMeta };
  }
  const joined = Buffer.concat(all);
  const text = lossy.decode(joined);
  const unmapped: Json = {};
  if (entropy.some((e) => e !== null)) unmapped.entropy = entropy;
  if (Object.keys(original).length > 0) unmapped.original = original;
  if (Object.keys(tokenMetadata).length > 0) unmapped.tokenMetadata = tokenMetadata;
  if (!whole) {
    counts.split++;
    unmapped.tokens = list; // kept as written: Loom tokens are text, and these split a character
    return { text, unmapped };
  }
  return { text, tokens, ...(Object.keys(unmapped).length > 0 ? { unmapped } : {}) };
}

function placedParent(nodes: Json, n: Json, from: string[]): string {
  if (n.active === true) {
    const active = from.find((p) => isObject(nodes[p]) && (nodes[p] as Json).active === true);
    if (active !== undefined) return active;
  }
  return from.find((p) => isObject(nodes[p])) ?? from[0]!;
}

export interface TapestryOptions {
  now: string;
  title?: string;
  sessionId?: string;
}

/**
 * The weave inside Tapestry's versioned JSON ({"version": 1, "data": weave}, what TapestryWeave::to_json writes today;
 * tapestry-weave migrations/mod.rs), or the bare weave that migration-assistant --output-debug-json writes.
 */
function unversioned(site: CheckSite, doc: Json): Json {
  if (!("data" in doc) || "nodes" in doc) return doc;
  if (doc.version !== 1)
    refuse(site, "version", `is ${JSON.stringify(doc.version)}`, "1 (the versioned JSON weave Loom reads)");
  return objectAt(site, doc.data, "data", "the weave {nodes, roots, metadata}");
}

/** Import a weave's JSON text. */
export function convertTapestry(text: string, site: CheckSite, options: TapestryOptions): ForeignImport {
  return convertTapestryWeave(parseKeepingBigIntegers(text, site), site, options);
}

/** Import a weave in its JSON form, parsed (from a .json file, or decoded from a binary .tapestry). */
export function convertTapestryWeave(weave: unknown, site: CheckSite, options: TapestryOptions): ForeignImport {
  const doc = unversioned(site, objectAt(site, weave, "(top level)", "a JSON weave {nodes, roots, metadata}"));
  const nodes = objectAt(site, doc.nodes, "nodes", "an object of node id → node");
  const roots = arrayAt(site, doc.roots, "roots", "a list of root node ids").map((r, i) =>
    idOf(site, r, `roots[${i}]`),
  );
  const b = new ForeignLoomBuilder(site, "tapestry", options.now);
  const at = (id: string) => `nodes[${JSON.stringify(id)}]`;
  for (let i = 0; i < roots.length; i++)
    if (!isObject(nodes[roots[i]!]))
      refuse(site, `roots[${i}]`, `names "${roots[i]}", which is not in nodes`, "a node of the weave");
  if (roots.length === 0) refuse(site, "roots", "is empty", "at least one root node");
  const synthetic = roots.length > 1;
  if (synthetic) {
    b.add({ id: TAPESTRY_ROOT, parentId: null, text: "", origin: "seed" }, "roots");
    b.warn(`${roots.length} root nodes; they hang under one empty root (${TAPESTRY_ROOT})`);
  }
  const counts = { lossy: 0, split: 0 };
  let multiParent = 0;
  let withTokens = 0;
  const active = new Set<string>();
  const stack: [string, string | null][] = roots
    .map((r) => [r, synthetic ? TAPESTRY_ROOT : null] as [string, string | null])
    .reverse();
  while (stack.length > 0) {
    const [id, parentId] = stack.pop()!;
    if (b.has(id)) continue;
    const field = at(id);
    const n = objectAt(site, nodes[id], field, "a node {id, from, to, active, bookmarked, contents}");
    if (n.id !== undefined && idOf(site, n.id, `${field}.id`) !== id)
      refuse(site, `${field}.id`, `is ${String(n.id)}`, `the key it is stored under (${id})`);
    const from = arrayAt(site, n.from ?? [], `${field}.from`, "a list of parent ids").map((p, i) =>
      idOf(site, p, `${field}.from[${i}]`),
    );
    const trueParent = parentId === TAPESTRY_ROOT ? null : parentId;
    if (trueParent !== null && !from.includes(trueParent))
      refuse(
        site,
        `${field}.from`,
        `does not list "${trueParent}", whose "to" lists this node`,
        "the node's parents, matching their children lists",
      );
    // A node with several parents sits under one: an active parent when it is on the active path, else its first.
    if (from.length > 1 && trueParent !== placedParent(nodes, n, from)) continue;
    const contents = objectAt(
      site,
      n.contents,
      `${field}.contents`,
      "an object {timestamp, modified, content, metadata, creator}",
    );
    const content = readContent(site, contents.content, `${field}.contents.content`, counts);
    const unmapped: Json = { ...rest(n, NODE_KEYS), ...rest(contents, CONTENT_KEYS), ...content.unmapped };
    if (from.length > 1) {
      multiParent++;
      unmapped.from = from; // the other parents of a DAG node: Loom's tree keeps the first
    }
    if (unmapped.modified === false) delete unmapped.modified;
    if (isObject(unmapped.metadata) && Object.keys(unmapped.metadata).length === 0) delete unmapped.metadata;
    const meta: Json = {};
    let origin: "generated" | "human" | undefined;
    const creator = contents.creator;
    if (isObject(creator) && "Model" in creator) {
      origin = "generated";
      if (isObject(creator.Model)) {
        const label = optStringAt(site, creator.Model.label, `${field}.contents.creator.Model.label`);
        if (label !== undefined) meta.model = label;
        const finish = optStringAt(site, creator.Model.finish_reason, `${field}.contents.creator.Model.finish_reason`);
        if (finish !== undefined) meta.finishReason = finish;
        unmapped.creator = creator;
      }
    } else if (isObject(creator) && ("User" in creator || "Human" in creator)) {
      origin = "human";
      if ((creator.User ?? creator.Human) !== null) unmapped.creator = creator;
    } else if (creator !== undefined && creator !== "Unknown") {
      refuse(
        site,
        `${field}.contents.creator`,
        `is ${JSON.stringify(creator)}`,
        '{"Model": …}, {"User": …} or "Unknown"',
      );
    }
    const createdAt = instant(optStringAt(site, contents.timestamp, `${field}.contents.timestamp`));
    if (content.tokens) withTokens++;
    b.add(
      {
        id,
        parentId,
        text: content.text,
        ...(parentId === null ? { origin: "seed" as const } : origin ? { origin } : {}),
        ...(createdAt ? { createdAt } : {}),
        ...(content.tokens ? { tokens: content.tokens } : {}),
        ...(Object.keys(meta).length > 0 ? { meta } : {}),
        ...(Object.keys(unmapped).length > 0 ? { unmapped } : {}),
      },
      field,
    );
    if (optBooleanAt(site, n.active, `${field}.active`)) active.add(id);
    if (optBooleanAt(site, n.bookmarked, `${field}.bookmarked`)) b.bookmark(id);
    const to = arrayAt(site, n.to ?? [], `${field}.to`, "a list of child ids");
    for (let i = to.length - 1; i >= 0; i--) {
      const child = idOf(site, to[i], `${field}.to[${i}]`);
      if (!isObject(nodes[child]))
        refuse(site, `${field}.to[${i}]`, `names "${child}", which is not in nodes`, "a node of the weave");
      stack.push([child, id]);
    }
  }
  const unreachable = Object.keys(nodes).find((id) => !b.has(id));
  if (unreachable !== undefined)
    refuse(site, at(unreachable), "cannot be reached from the roots", "every node reachable from roots through to");
  // The active path: from the root, down through the active child at each step.
  let tip: string = synthetic ? TAPESTRY_ROOT : roots[0]!;
  for (;;) {
    const node = nodes[tip] as Json | undefined;
    const kids = synthetic && tip === TAPESTRY_ROOT ? roots : node && Array.isArray(node.to) ? node.to.map(String) : [];
    const next = kids.find((k) => active.has(k) && b.nodes[k]?.parentId === tip);
    if (next === undefined) break;
    tip = next;
  }
  if (withTokens > 0) b.warn(`${withTokens} node(s) keep their tokens with logprobs and counterfactuals`);
  if (multiParent > 0)
    b.warn(
      `${multiParent} node(s) have several parents (a weave is a graph): each sits under one (the active one, else the first); all are in meta.import.tapestry.from`,
    );
  if (counts.split > 0)
    b.warn(
      `${counts.split} node(s) have tokens that split a UTF-8 character: text kept whole, tokens kept as written in meta.import.tapestry.tokens`,
    );
  if (counts.lossy > 0)
    b.warn(
      `${counts.lossy} node(s) are not valid UTF-8: decoded with replacement characters, the bytes kept in meta.import.tapestry.snippet`,
    );
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const title = typeof metadata.title === "string" && metadata.title !== "" ? metadata.title : options.title;
  return b.build({
    ...(tip !== undefined ? { tip } : {}),
    ...(title ? { title } : {}),
    ...(options.sessionId ? { sessionId: options.sessionId } : {}),
    fileUnmapped: { metadata },
  });
}
