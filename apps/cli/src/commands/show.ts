// `loom show`: the text of the current path (or of any node's path).
import { leftArgmax, pathSegments, rootPath, splitSegments } from "@loom/core";
import { readSessionView } from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { databaseRef } from "../session/database-ref.js";
import { resolveNodeRef } from "../session/node-ref.js";
import type { ReadLoomContext } from "../session/read-loom.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
import { resolveSessionDir } from "../session/session-dir.js";

/** The ids, text and segment lengths of the path to show: the current path from the snapshot's path frames, another from the whole loom. */
async function pathOf(
  ctx: ReadLoomContext,
  node: string | undefined,
): Promise<{ dir: string; sessionId: string; path: string[]; text: string; segments: number[] }> {
  const ref = databaseRef(ctx.positionals.session ?? "");
  if (node === undefined && ref) {
    // A database's session (postgres://…#id): its path rows, by query, never the whole loom.
    const { readDatabasePath } = await import("../session/read-loom.js");
    return readDatabasePath(ref);
  }
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
    tokens: {
      type: "boolean",
      description:
        "colour each token by its probability and mark where the text left the model's favourite (NO_COLOR: [token|logprob], * marks)",
    },
  },
  examples: [
    { command: "loom show .loom-sessions/s_1a2b3c", description: "Print the story so far." },
    { command: "loom show story --node n_4f2e", description: "Print the text of another branch, up to that node." },
    { command: "loom show story --json | jq -r .text", description: "The text for a script." },
    { command: "loom show story --tokens", description: "See where the model hesitated, token by token." },
  ],
  async run({ values, positionals, env, cwd, out }) {
    if (values.tokens) {
      // Tokens are in the whole loom, not the digest the plain text is read from.
      const { readLoom } = await import("../session/read-loom.js");
      const { renderPathTokens } = await import("../render/tokens.js");
      const { dir, loom } = await readLoom({ positionals, env, cwd, out });
      const path = rootPath(
        loom,
        values.node === undefined ? loom.currentPath.at(-1)! : resolveNodeRef(loom, values.node, "--node"),
      );
      const segments = pathSegments(loom, path);
      const marked = segments.map((s) => ({
        ...s,
        tokens: s.tokens?.map((t) => ({ ...t, leftArgmax: leftArgmax(t) })) ?? null,
      }));
      out.result(
        {
          session: dir,
          sessionId: loom.sessionId,
          node: path.at(-1),
          path,
          text: segments.map((s) => s.text).join(""),
          segments: marked,
        },
        () => renderPathTokens(segments, out.colors),
      );
      return;
    }
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
