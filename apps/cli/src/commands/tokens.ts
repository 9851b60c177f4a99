// `loom tokens`: a node's tokens with their logprobs and the alternatives the model listed, or the token divergences along a path.
import { DEFAULT_TOKEN_DIVERGENCE_PROBABILITY, rootPath, tokenDivergences } from "@loom/core";
import { defineCommand } from "../cli/define-command.js";
import { renderTokenDivergences, renderTokenList } from "../render/tokens.js";
import { resolveNodeRef } from "../session/node-ref.js";
import { readLoom } from "../session/read-loom.js";
import { sessionFirst } from "../session/session-first.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";

export default defineCommand({
  name: "tokens",
  summary: "list a node's tokens with their alternatives (--divergences: unlikely tokens along the path)",
  description:
    "Alternatives are numbered as `loom branch --alt` takes them. The session may come before or after the node; " +
    "the node defaults to the tip. A token divergence is a token on the path that was not the model's favourite " +
    "and had a probability below --below.",
  positionals: [
    { name: "node", description: "node id, id prefix, or position on the current path (default -1, the tip)" },
    SESSION_POSITIONAL,
  ],
  options: {
    divergences: {
      type: "boolean",
      description: "list the tokens along the path (root … node) that left the model's favourite below --below",
    },
    below: {
      type: "number",
      min: 0,
      max: 1,
      default: DEFAULT_TOKEN_DIVERGENCE_PROBABILITY,
      valueName: "P",
      description: "probability under which a token that is not the favourite counts as a divergence",
    },
  },
  examples: [
    { command: "loom tokens story -1", description: "The tip's tokens, each with the alternatives the model offered." },
    {
      command: "loom tokens story --divergences --below 0.05",
      description: "Where the text took a token the model gave < 5%.",
    },
  ],
  async run(ctx) {
    const { values, env, cwd, out } = ctx;
    const positionals = sessionFirst(ctx.positionals, cwd);
    const { loom } = await readLoom({ positionals, env, cwd, out });
    const nodeId = resolveNodeRef(loom, positionals.node ?? "-1", "<node>");
    if (values.divergences) {
      const rows = tokenDivergences(loom, { path: rootPath(loom, nodeId), maxProbability: values.below });
      out.result({ sessionId: loom.sessionId, nodeId, below: values.below, divergences: rows }, () =>
        renderTokenDivergences(rows, values.below, out.colors),
      );
      return;
    }
    const tokens = loom.nodes[nodeId]!.tokens?.toArray() ?? [];
    out.result({ sessionId: loom.sessionId, nodeId, tokens }, () => renderTokenList(nodeId, tokens, out.colors));
  },
});
