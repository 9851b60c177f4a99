// `loom show`: the text of the current path (or of any node's path).
import { rootPath, splitSegments } from "@loom/core";
import { readSessionView } from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { resolveNodeRef } from "../session/node-ref.js";
import type { ReadLoomContext } from "../session/read-loom.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
import { resolveSessionDir } from "../session/session-dir.js";

/** The ids, text and segment lengths of the path to show: the current path from the snapshot's path frames, another from the whole loom. */
async function pathOf(
  ctx: ReadLoomContext,
  node: string | undefined,
): Promise<{ dir: string; sessionId: string; path: string[]; text: string; segments: number[] }> {
  if (node === undefined) {
    const dir = resolveSessionDir(ctx.positionals.session, ctx.env, ctx.cwd);
    const view = await readSessionView(dir, { decisions: 0, text: true });
    for (const w of view.warnings) ctx.out.warn(w);
    return { dir, sessionId: view.sessionId, path: view.path, text: view.text!, segments: view.segments };
  }
  // The whole-session reader is loaded only for another node's path: the current path needs the digest alone.
  const { readLoom } = await import("../session/read-loom.js");
  const { dir, loom } = await readLoom(ctx);
  const path = rootPath(loom, resolveNodeRef(loom, node, "--node"));
  const texts = path.map((id) => loom.nodes[id]!.text);
  return { dir, sessionId: loom.sessionId, path, text: texts.join(""), segments: texts.map((t) => t.length) };
}

export default defineCommand({
  name: "show",
  summary: "print the text of the current path",
  positionals: [SESSION_POSITIONAL],
  options: {
    node: {
      type: "string",
      valueName: "NODE",
      description: "show the path ending at this node (id, id prefix, or position on the current path)",
    },
    segments: { type: "boolean", description: "mark where one chosen segment ends and the next begins" },
  },
  examples: [
    { command: "loom show .loom-sessions/s_1a2b3c", description: "Print the story so far." },
    { command: "loom show story --node n_4f2e", description: "Print the text of another branch, up to that node." },
    { command: "loom show story --json | jq -r .text", description: "The text for a script." },
  ],
  async run({ values, positionals, env, cwd, out }) {
    const { dir, sessionId, path, text, segments } = await pathOf({ positionals, env, cwd, out }, values.node);
    const tip = path[path.length - 1]!;
    out.result({ session: dir, sessionId, node: tip, path, text }, () => {
      if (!values.segments) return text;
      const c = out.colors;
      // Alternate styles so the joins are visible; without colour, a thin separator.
      return splitSegments(text, segments)
        .map((seg, i) => {
          if (!c.enabled) return i === 0 ? seg : `│${seg}`;
          return i === 0 ? c.bold(seg) : i % 2 ? c.cyan(seg) : seg;
        })
        .join("");
    });
  },
});
