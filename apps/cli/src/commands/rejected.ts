// `loom rejected <node>`: the candidates offered under a node that were not chosen.
import { rejectedAt } from "@loom/core";
import { defineCommand } from "../cli/define-command.js";
import { formatLogprob, snippet } from "../render/snippet.js";
import { resolveNodeRef } from "../session/node-ref.js";
import { readLoom } from "../session/read-loom.js";

export default defineCommand({
  name: "rejected",
  summary: "list the candidates rejected at a node",
  positionals: [
    {
      name: "node",
      description: "node id, id prefix, or position on the current path (0 = root, -1 = tip)",
      required: true,
    },
    {
      name: "session",
      description:
        "session directory (default: $LOOM_SESSION, the current directory, or the newest in ./.loom-sessions)",
    },
  ],
  options: {},
  examples: [
    { command: "loom rejected n_4f2e story", description: "What else was offered after node n_4f2e." },
    { command: "loom rejected 0 story", description: "What was rejected right after the seed." },
    { command: "loom rejected -2 story --json", description: "Rejected at the parent of the tip, as JSON nodes." },
  ],
  async run({ positionals, env, cwd, out }) {
    const { loom } = await readLoom({ positionals, env, cwd, out });
    const nodeId = resolveNodeRef(loom, positionals.node!, "<node>");
    const rejected = rejectedAt(loom, nodeId);
    out.result({ sessionId: loom.sessionId, node: nodeId, rejected }, () => {
      const c = out.colors;
      if (rejected.length === 0) return c.dim(`nothing was rejected at ${nodeId}`);
      return rejected
        .map(
          (n) => `${c.dim(n.id)}  ${formatLogprob(n.stepLogprob).padStart(7)}  ${JSON.stringify(snippet(n.text, 70))}`,
        )
        .join("\n");
    });
  },
});
