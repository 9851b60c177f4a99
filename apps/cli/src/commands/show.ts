// `loom show`: the text of the current path (or of any node's path).
import { currentTip, pathText, rootPath } from "@loom/core";
import { defineCommand } from "../cli/define-command.js";
import { resolveNodeRef } from "../session/node-ref.js";
import { SESSION_POSITIONAL, readLoom } from "../session/read-loom.js";

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
    const { dir, loom } = await readLoom({ positionals, env, cwd, out });
    const tip = values.node ? resolveNodeRef(loom, values.node, "--node") : currentTip(loom);
    const path = values.node ? rootPath(loom, tip) : loom.currentPath;
    const text = pathText(loom, path);
    out.result({ session: dir, sessionId: loom.sessionId, node: tip, path, text }, () => {
      if (!values.segments) return text;
      const c = out.colors;
      // Alternate styles so the joins are visible; without colour, a thin separator.
      return path
        .map((id, i) => {
          const seg = loom.nodes[id]!.text;
          if (!c.enabled) return i === 0 ? seg : `│${seg}`;
          return i === 0 ? c.bold(seg) : i % 2 ? c.cyan(seg) : seg;
        })
        .join("");
    });
  },
});
