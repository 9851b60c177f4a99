// The writer's tree work from the terminal: edit, split, merge, prune, move, undo/redo, bookmarks, tags, checkout and search.
import {
  applyTreeWork,
  currentText,
  type Loom,
  type LoomOp,
  searchLoom,
  type TreeWork,
  type TreeWorkResult,
} from "@loom/core";
import { openSession } from "@loom/io";
import { defineCommand, type OptionsSpec, type PositionalSpec } from "../cli/define-command.js";
import { UsageError } from "../cli/exit-error.js";
import type { Output } from "../cli/output.js";
import { snippet } from "../render/snippet.js";
import { resolveNodeRef } from "../session/node-ref.js";
import { readLoom } from "../session/read-loom.js";
import { sessionFirst } from "../session/session-first.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
import { resolveSessionDir } from "../session/session-dir.js";

export const NODE = "node id, id prefix, or position on the current path (0 = root, -1 = tip)";

interface Change {
  /** The tree work to journal (core's applyTreeWork turns it into the op). */
  work: TreeWork;
  /** What to print once it is saved. */
  said(loom: Loom, result: TreeWorkResult): string;
}

/** Open the session for writing, resolve node references against it, journal one op, and report. */
export async function change(
  ctx: { positionals: Record<string, string | undefined>; env: NodeJS.ProcessEnv; cwd: string; out: Output },
  build: (loom: Loom, node: (ref: string, what: string) => string) => Change,
): Promise<void> {
  const dir = resolveSessionDir(ctx.positionals.session, ctx.env, ctx.cwd);
  const session = await openSession(dir);
  let result: { op: LoomOp; said: string; tip: string };
  try {
    for (const w of session.warnings) ctx.out.warn(w);
    const c = build(session.loom, (ref, what) => resolveNodeRef(session.loom, ref, what));
    const done = session.mutate((loom) => applyTreeWork(loom, c.work));
    result = { op: done.op, said: c.said(session.loom, done), tip: session.loom.currentPath.at(-1)! };
  } finally {
    await session.close();
  }
  ctx.out.result({ session: dir, op: result.op, tip: result.tip }, () => result.said);
}

export function command<O extends OptionsSpec>(spec: {
  name: string;
  summary: string;
  description?: string;
  positionals: readonly PositionalSpec[];
  options: O;
  examples: { command: string; description: string }[];
  /** Also take the session before the node (see sessionFirst). */
  sessionFirst?: boolean;
  build: (
    loom: Loom,
    args: { positionals: Record<string, string | undefined>; values: Record<string, unknown> },
    node: (ref: string, what: string) => string,
  ) => Change;
}) {
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    positionals: [...spec.positionals, SESSION_POSITIONAL],
    options: spec.options,
    examples: spec.examples,
    async run(ctx) {
      const positionals = spec.sessionFirst ? sessionFirst(ctx.positionals, ctx.cwd) : ctx.positionals;
      await change({ ...ctx, positionals }, (loom, node) =>
        spec.build(loom, { positionals, values: ctx.values as Record<string, unknown> }, node),
      );
    },
  });
}

export const tail = (loom: Loom) => snippet(currentText(loom).slice(-70), 70);

export const edit = command({
  name: "edit",
  summary: "rewrite a node's text (a new version beside it; the original stays in the record)",
  positionals: [
    { name: "node", description: NODE, required: true },
    { name: "text", description: "the new text of the segment", required: true },
  ],
  options: {},
  examples: [{ command: 'loom edit -1 " and the door held." story', description: "Rewrite the last segment." }],
  build: (_loom, { positionals }, node) => {
    const id = node(positionals.node!, "<node>");
    return {
      work: { action: "edit", nodeId: id, text: positionals.text! },
      said: (loom, r) => `edited ${id} as ${r.madeNodeId}; the text now ends: ${JSON.stringify(tail(loom))}`,
    };
  },
});

export const split = command({
  name: "split",
  summary: "split a node in two at a character offset",
  positionals: [
    { name: "node", description: NODE, required: true },
    {
      name: "offset",
      description: "characters from the start of the node's text where the second part begins",
      required: true,
    },
  ],
  options: {},
  examples: [
    { command: "loom split n_4f2e 12 story", description: "The first 12 characters stay; the rest is a new child." },
  ],
  build: (_loom, { positionals }, node) => {
    const id = node(positionals.node!, "<node>");
    const offset = Number(positionals.offset);
    if (!Number.isInteger(offset)) throw new UsageError(`<offset>: "${positionals.offset}" is not a whole number`);
    return {
      work: { action: "split", nodeId: id, offset },
      said: (loom, r) =>
        `split ${id}: ${JSON.stringify(loom.nodes[id]!.text)} | ${JSON.stringify(loom.nodes[r.madeNodeId!]!.text)} (new node ${r.madeNodeId})`,
    };
  },
});

export const branch = command({
  name: "branch",
  summary: "branch inside a node at a token: an alternative the model offered there, or your text",
  description:
    "The new node is the node's tokens before --at, then alternative --alt (as `loom tokens` numbers them) or " +
    "--text; a sibling of the node, recorded as your choice, and the new tip. The session may come before the node.",
  sessionFirst: true,
  positionals: [{ name: "node", description: NODE, required: true }],
  options: {
    at: { type: "number", integer: true, min: 0, valueName: "K", description: "the token to replace (0 = the first)" },
    alt: { type: "number", integer: true, min: 0, valueName: "J", description: "the alternative to put there" },
    text: { type: "string", valueName: "T", description: "your text to put there instead" },
  },
  examples: [
    { command: "loom tokens story -1", description: "See the tip's tokens and their alternatives first." },
    { command: "loom branch story -1 --at 2 --alt 1", description: "Take the second alternative at the third token." },
    {
      command: 'loom branch story n_4f2e --at 0 --text " Suddenly"',
      description: "Your own words at the first token.",
    },
  ],
  build: (_loom, { values, positionals }, node) => {
    const id = node(positionals.node!, "<node>");
    const at = values.at as number | undefined;
    const alt = values.alt as number | undefined;
    const text = values.text as string | undefined;
    if (at === undefined)
      throw new UsageError("--at K is required: the index of the token to branch at (see `loom tokens`)");
    if ((alt === undefined) === (text === undefined)) throw new UsageError("give one of --alt J or --text T");
    return {
      work: {
        action: "branch",
        nodeId: id,
        tokenIndex: at,
        ...(alt !== undefined ? { alternative: alt } : { text: text! }),
      },
      said: (loom, r) =>
        `branched ${id} at token ${at} as ${r.madeNodeId}: ${JSON.stringify(loom.nodes[r.madeNodeId!]!.text)}; it is the tip (loom run continues from it)`,
    };
  },
});

export const merge = command({
  name: "merge",
  summary: "merge a node with its single child (one made by a split or an edit)",
  positionals: [{ name: "node", description: NODE, required: true }],
  options: {},
  examples: [{ command: "loom merge n_4f2e story", description: "Undo a split by hand." }],
  build: (_loom, { positionals }, node) => {
    const id = node(positionals.node!, "<node>");
    return {
      work: { action: "merge", nodeId: id },
      said: (loom) => `merged into ${id}: ${JSON.stringify(snippet(loom.nodes[id]!.text, 70))}`,
    };
  },
});

export const prune = command({
  name: "prune",
  summary: "hide a subtree from views and exports (kept in the record; --restore shows it again)",
  positionals: [{ name: "node", description: NODE, required: true }],
  options: { restore: { type: "boolean", description: "show a pruned subtree again" } },
  examples: [
    { command: "loom prune n_4f2e story", description: "Hide the branch under n_4f2e." },
    { command: "loom prune n_4f2e story --restore", description: "Bring it back." },
  ],
  build: (_loom, { positionals, values }, node) => {
    const id = node(positionals.node!, "<node>");
    const restore = values.restore === true;
    return {
      work: { action: "prune", nodeId: id, restore },
      said: (loom) =>
        restore
          ? `restored the subtree under ${id}`
          : `pruned the subtree under ${id}; the tip is ${loom.currentPath.at(-1)} (loom prune --restore brings it back)`,
    };
  },
});

export const move = command({
  name: "move",
  summary: "move a subtree under another node",
  positionals: [
    { name: "node", description: NODE, required: true },
    { name: "parent", description: "the node to move it under (same forms)", required: true },
  ],
  options: {},
  examples: [{ command: "loom move n_4f2e n_77a0 story", description: "Hang the branch at n_4f2e under n_77a0." }],
  build: (_loom, { positionals }, node) => {
    const id = node(positionals.node!, "<node>");
    const parent = node(positionals.parent!, "<parent>");
    return { work: { action: "move", nodeId: id, parentId: parent }, said: () => `moved ${id} under ${parent}` };
  },
});

const history = (name: "undo" | "redo") =>
  command({
    name,
    summary:
      name === "undo"
        ? "take back the last change (choose, write, checkout, edit, split, merge, prune, move, mark)"
        : "put back the last change undone",
    positionals: [],
    options: {},
    examples: [
      { command: `loom ${name} story`, description: name === "undo" ? "Take back the last choice." : "Put it back." },
    ],
    build: (loom) => {
      const entry = name === "undo" ? loom.undo.at(-1) : loom.redo.at(-1);
      return {
        work: { action: name },
        said: (l) =>
          `${name === "undo" ? "undid" : "redid"} ${entry?.label ?? "the change"}; the text now ends: ${JSON.stringify(tail(l))}`,
      };
    },
  });
export const undoCommand = history("undo");
export const redoCommand = history("redo");

export const bookmark = command({
  name: "bookmark",
  summary: "bookmark a node (--remove takes the bookmark off; loom marks lists them)",
  positionals: [{ name: "node", description: NODE, required: true }],
  options: { remove: { type: "boolean", description: "remove the bookmark" } },
  examples: [{ command: "loom bookmark -1 story", description: "Bookmark the tip." }],
  build: (_loom, { positionals, values }, node) => {
    const id = node(positionals.node!, "<node>");
    const on = !values.remove;
    return {
      work: { action: "bookmark", nodeId: id, on },
      said: () => `${on ? "bookmarked" : "removed the bookmark on"} ${id}`,
    };
  },
});

export const tag = command({
  name: "tag",
  summary: "tag a node (--remove takes the tag off)",
  positionals: [
    { name: "node", description: NODE, required: true },
    { name: "tag", description: "the tag", required: true },
  ],
  options: { remove: { type: "boolean", description: "remove the tag" } },
  examples: [{ command: "loom tag -1 keeper story", description: "Tag the tip 'keeper'." }],
  build: (_loom, { positionals, values }, node) => {
    const id = node(positionals.node!, "<node>");
    const on = !values.remove;
    const t = positionals.tag!.trim();
    if (!t) throw new UsageError("<tag>: a tag cannot be empty");
    return {
      work: { action: "tag", nodeId: id, tag: t, on },
      said: () => `${on ? "tagged" : "untagged"} ${id} ${JSON.stringify(t)}`,
    };
  },
});

export const checkoutCommand = command({
  name: "checkout",
  summary: "make a node the tip: the next step continues from it (a bookmark, a search hit, any node)",
  positionals: [{ name: "node", description: NODE, required: true }],
  options: {},
  examples: [{ command: "loom checkout n_4f2e story", description: "Continue from n_4f2e." }],
  build: (_loom, { positionals }, node) => {
    const id = node(positionals.node!, "<node>");
    return {
      work: { action: "checkout", nodeId: id },
      said: (loom) => `the tip is ${id}: …${JSON.stringify(tail(loom))}`,
    };
  },
});

export const marks = defineCommand({
  name: "marks",
  summary: "list bookmarks and tags, each with its text",
  positionals: [SESSION_POSITIONAL],
  options: { tag: { type: "string", valueName: "TAG", description: "only nodes with this tag" } },
  examples: [
    { command: "loom marks story", description: "Every bookmark and tagged node." },
    { command: "loom marks story --tag keeper --json", description: "Nodes tagged keeper, as JSON." },
  ],
  async run(ctx) {
    const { loom } = await readLoom(ctx);
    const only = ctx.values.tag;
    const ids = [...new Set([...loom.bookmarks, ...Object.keys(loom.tags)])].filter(
      (id) => only === undefined || loom.tags[id]?.includes(only),
    );
    const rows = ids.map((id) => ({
      nodeId: id,
      bookmarked: loom.bookmarks.includes(id),
      tags: loom.tags[id] ?? [],
      text: loom.nodes[id]!.text,
    }));
    ctx.out.result({ sessionId: loom.sessionId, marks: rows }, () => {
      const c = ctx.out.colors;
      if (rows.length === 0) return c.dim("no bookmarks or tags (loom bookmark NODE, loom tag NODE TAG)");
      return rows
        .map(
          (r) =>
            `${r.bookmarked ? "★" : " "} ${c.dim(r.nodeId)}  ${r.tags.map((t) => `#${t}`).join(" ")}  ${JSON.stringify(snippet(r.text, 60))}`,
        )
        .join("\n");
    });
  },
});

export const search = defineCommand({
  name: "search",
  summary: "find text (and reasons, tags) in every node; each hit with its path",
  positionals: [
    { name: "query", description: "a word or phrase (case does not matter)", required: true },
    SESSION_POSITIONAL,
  ],
  options: {
    all: { type: "boolean", description: "search pruned subtrees too" },
    paths: { type: "boolean", description: "give each hit its whole path from the root (with --json)" },
    limit: { type: "number", integer: true, min: 1, max: 100_000, default: 50, description: "at most this many hits" },
  },
  examples: [
    { command: "loom search lantern story", description: "Every node that mentions a lantern." },
    { command: 'loom search "the door" story --json', description: "Hits with their paths, as JSON." },
  ],
  async run(ctx) {
    const { loom } = await readLoom(ctx);
    const hits = searchLoom(loom, ctx.positionals.query!, {
      includePruned: ctx.values.all,
      limit: ctx.values.limit,
      paths: ctx.values.paths,
    });
    ctx.out.result({ sessionId: loom.sessionId, query: ctx.positionals.query, hits }, () => {
      const c = ctx.out.colors;
      if (hits.length === 0) return c.dim(`no node holds "${ctx.positionals.query}"`);
      return hits
        .map(
          (h) =>
            `${h.branchesFrom === null ? "●" : "○"} ${c.dim(h.nodeId)} ${c.dim(`depth ${h.depth}${h.branchesFrom ? ` (branches from ${h.branchesFrom})` : ""}, ${h.field}`)}  ${h.snippet}`,
        )
        .join("\n");
    });
  },
});
