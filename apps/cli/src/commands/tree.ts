// `loom tree`: the loom around the tip by default (a long piece stays readable), a subtree, or all of it.
import { DEFAULT_AROUND, treeWindow, type TreeWindow } from "@loom/core";
import { readSessionView } from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { UsageError } from "../cli/exit-error.js";
import { renderTree, treeJson } from "../render/tree.js";
import { resolveNodeRef } from "../session/node-ref.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
import { resolveSessionDir } from "../session/session-dir.js";

export default defineCommand({
  name: "tree",
  summary: "draw the tree around the tip, current path marked",
  description: [
    "The current path runs down the left (● on it, ▶ the tip); under each of its nodes, ○ the branches not taken,",
    "with +N for what lies below them. Numbers are step logprobs. By default the last 10 steps are drawn;",
    "lines fit the terminal width ($COLUMNS when piped). --json gives the same rows, flat, with parent ids.",
  ].join("\n"),
  positionals: [SESSION_POSITIONAL],
  options: {
    around: {
      type: "number",
      integer: true,
      min: 0,
      max: 1_000_000_000,
      valueName: "N",
      description: `steps of the current path shown above the tip (default ${DEFAULT_AROUND})`,
    },
    subtree: {
      type: "string",
      valueName: "NODE",
      description: "draw the tree under this node (id, id prefix, or position on the current path)",
    },
    depth: {
      type: "number",
      integer: true,
      min: 0,
      max: 1_000_000_000,
      valueName: "N",
      description: "levels drawn below a branch (default: 0 around the tip, 3 for --subtree, all for --all)",
    },
    all: { type: "boolean", description: "every node, from the root (long for a long piece)" },
  },
  examples: [
    { command: "loom tree story", description: "The last ten steps and the branches not taken." },
    { command: "loom tree story --around 50 --depth 2", description: "Fifty steps, two levels into each branch." },
    { command: "loom tree story --subtree n_4f2e", description: "What grew under one node." },
    {
      command: "loom tree story --all --json",
      description: "Every node as flat JSON rows (id, parentId, depth, text…).",
    },
  ],
  async run({ values, positionals, env, cwd, out }) {
    if (values.all && (values.around !== undefined || values.subtree !== undefined)) {
      throw new UsageError("--all draws everything: leave out --around and --subtree");
    }
    if (values.subtree !== undefined && values.around !== undefined)
      throw new UsageError("give --around or --subtree, not both");
    let sessionId: string;
    let window: TreeWindow;
    if (values.subtree === undefined && !values.all && (values.depth ?? 0) === 0) {
      // The path view with branches folded is kept in the snapshot's digest: no need to load the loom.
      const view = await readSessionView(resolveSessionDir(positionals.session, env, cwd), { around: values.around });
      for (const w of view.warnings) out.warn(w);
      sessionId = view.sessionId;
      window = view.tree;
    } else {
      // The whole-session reader is loaded only for the views the stored digest cannot give.
      const { readLoom } = await import("../session/read-loom.js");
      const { loom } = await readLoom({ positionals, env, cwd, out });
      const subtree = values.subtree !== undefined ? resolveNodeRef(loom, values.subtree, "--subtree") : undefined;
      sessionId = loom.sessionId;
      window = treeWindow(loom, { around: values.around, subtree, depth: values.depth, all: values.all });
    }
    out.result({ sessionId, tip: window.tip, pathLength: window.pathLength, ...treeJson(window) }, () =>
      renderTree(window, { width: out.columns, colors: out.colors }),
    );
  },
});
