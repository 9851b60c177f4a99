// `loom tree`: the whole loom in the terminal, current path marked.
import { defineCommand } from "../cli/define-command.js";
import { renderTree, treeJson } from "../render/tree.js";
import { SESSION_POSITIONAL, readLoom } from "../session/read-loom.js";

export default defineCommand({
  name: "tree",
  summary: "draw the tree, current path marked",
  description: "▶ is the tip of the current path, ● a node on it, ○ a branch not taken. Numbers are step logprobs.",
  positionals: [SESSION_POSITIONAL],
  options: {
    depth: { type: "number", integer: true, min: 0, valueName: "N", description: "draw at most N levels below the root" },
  },
  examples: [
    { command: "loom tree story", description: "Draw every node." },
    { command: "loom tree story --depth 3", description: "Only the first three levels; deeper branches are counted." },
    { command: "loom tree story --json", description: "The tree as nested JSON." },
  ],
  async run({ values, positionals, env, cwd, out }) {
    const { loom } = await readLoom({ positionals, env, cwd, out });
    out.result(
      { sessionId: loom.sessionId, currentPath: loom.currentPath, tree: treeJson(loom, values.depth) },
      () => renderTree(loom, { depth: values.depth, width: out.columns, colors: out.colors }),
    );
  },
});
