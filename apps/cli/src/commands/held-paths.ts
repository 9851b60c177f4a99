// Held paths from the terminal: `loom hold` keeps a path to come back to, `loom paths` lists them, `loom switch` swaps one in.
import { currentTip, heldPathRows, heldTip, pathTokenCount } from "@loom/core";
import { defineCommand } from "../cli/define-command.js";
import { UsageError } from "../cli/exit-error.js";
import { snippet } from "../render/snippet.js";
import { readLoom } from "../session/read-loom.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
import { command, NODE, tail } from "./tree-work.js";

/** A held path named by `h2` or its tip id: its tip, or a usage error naming the flag. */
function held(loom: Parameters<typeof heldTip>[0], ref: string, what: string): string {
  try {
    const tip = heldTip(loom, ref);
    if (tip) return tip;
  } catch (error) {
    throw new UsageError(`${what}: ${(error as Error).message}`, "see them with `loom paths`");
  }
  throw new UsageError(`${what}: "${ref}" is not a held path`, "see them with `loom paths`");
}

export const hold = command({
  name: "hold",
  summary: "keep a path to come back to: the current one, or --node's root path (--release lets one go)",
  description:
    "A held path stays listed by `loom paths` as h1, h2… until it is released or switched to; `loom switch h1` checks it out and holds the path you leave.",
  positionals: [],
  options: {
    node: { type: "string", valueName: "NODE", description: `hold this node's root path (${NODE})` },
    release: { type: "string", valueName: "HELD", description: "stop holding a path (h1, h2… or its tip id)" },
  },
  examples: [
    {
      command: "loom hold story",
      description: "Keep the current path; go on elsewhere and come back with loom switch.",
    },
    { command: "loom hold story --node n_4f2e", description: "Keep the branch ending at n_4f2e." },
    { command: "loom hold story --release h2", description: "Stop holding the second held path." },
  ],
  build: (loom, { values }, node) => {
    if (values.node !== undefined && values.release !== undefined)
      throw new UsageError("--node and --release: give one of them");
    if (typeof values.release === "string") {
      const tip = held(loom, values.release, "--release");
      return { work: { action: "release", nodeId: tip }, said: () => `released the path ending at ${tip}` };
    }
    const tip = typeof values.node === "string" ? node(values.node, "--node") : currentTip(loom);
    if (heldTip(loom, tip)) throw new UsageError(`the path ending at ${tip} is already held`, "see `loom paths`");
    return {
      work: { action: "hold", nodeId: tip },
      said: (l) =>
        `held the path ending at ${tip} as h${l.heldPaths.length} (loom switch h${l.heldPaths.length} comes back to it)`,
    };
  },
});

export const switchCommand = command({
  name: "switch",
  summary: "check out a held path (h1, h2…) or any node; the path you leave is held",
  positionals: [
    { name: "target", description: `a held path (h1, h2… or its tip id) or a node (${NODE})`, required: true },
  ],
  options: {},
  examples: [
    {
      command: "loom switch h1 story",
      description: "Go to the first held path; the current one is held in its place.",
    },
    { command: "loom switch n_4f2e story", description: "Go to any node, holding the path you leave." },
  ],
  build: (loom, { positionals }, node) => {
    const ref = positionals.target!;
    const tip = /^h\d+$/.test(ref) ? held(loom, ref, "<target>") : node(ref, "<target>");
    if (tip === currentTip(loom)) throw new UsageError(`<target>: ${tip} is already the tip of the current path`);
    return {
      work: { action: "switch", nodeId: tip },
      said: (l) => `the tip is ${tip} (${l.heldPaths.length} held): …${JSON.stringify(tail(l))}`,
    };
  },
});

export const paths = defineCommand({
  name: "paths",
  summary: "list the current path and the held ones (h1, h2…), each with where it branches and how it ends",
  positionals: [SESSION_POSITIONAL],
  options: {},
  examples: [
    { command: "loom paths story", description: "The held paths, to pick one for `loom switch`." },
    { command: "loom paths story --json", description: "The same as JSON." },
  ],
  async run(ctx) {
    const { loom } = await readLoom(ctx);
    const rows = heldPathRows(loom);
    const current = {
      tipId: currentTip(loom),
      depth: loom.currentPath.length - 1,
      tokens: pathTokenCount(loom),
    };
    ctx.out.result({ sessionId: loom.sessionId, current, held: rows }, () => {
      const c = ctx.out.colors;
      const lines = [
        `▶ current  ${c.dim(current.tipId)}  ${c.dim(`depth ${current.depth}, ${current.tokens} tokens`)}`,
      ];
      if (rows.length === 0) lines.push(c.dim("no held paths (loom hold keeps one)"));
      for (const r of rows) {
        lines.push(
          `  ${r.heldId.padEnd(7)}  ${c.dim(r.tipId)}  ${c.dim(`depth ${r.depth}, ${r.tokens} tokens, branches from ${r.branchesFrom}`)}  ${JSON.stringify(snippet(r.textEnd.slice(-60), 60))}`,
        );
      }
      return lines.join("\n");
    });
  },
});
