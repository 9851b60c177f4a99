// `loom expand`: a look-ahead — depth levels of width candidates generated below a node without choosing, its cost shown (and confirmed for paid services) first.
import { createInterface } from "node:readline/promises";
import { openSession, readPricesFile } from "@loom/io";
import { Orchestrator, type LookAheadEstimate } from "@loom/orchestrator";
import { defineCommand } from "../cli/define-command.js";
import { UsageError } from "../cli/exit-error.js";
import type { Output } from "../cli/output.js";
import { makeAlongside, makeGenerator } from "../session/make-generator.js";
import { resolveNodeRef } from "../session/node-ref.js";
import { sessionFirst } from "../session/session-first.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
import { resolveSessionDir } from "../session/session-dir.js";
import { pricesFileOf } from "../session/user-presets.js";

const usd = (v: number) => `$${v < 0.01 ? v.toFixed(4) : v.toFixed(2)}`;

/** The estimate as a user reads it before the calls start. */
export function describeEstimate(e: LookAheadEstimate): string {
  const lines = [
    `look-ahead below ${e.nodeId}: depth ${e.depth} × width ${e.width} → ${e.nodes} nodes from ${e.calls} generator calls`,
  ];
  for (const g of e.generators) {
    const cost = g.costUsd !== null ? usd(g.costUsd) : g.hosted ? "no price configured" : "free (runs locally)";
    lines.push(
      `  ${g.provider}:${g.model}  ${g.requests} requests, ~${g.inputTokens} tokens in, ≤${g.outputTokens} out — ${cost}`,
    );
  }
  if (e.costUsd !== null)
    lines.push(`  estimated cost: ${usd(e.costUsd)}${e.unpriced.length ? " plus the unpriced models" : ""}`);
  return lines.join("\n");
}

async function confirm(out: Output, stdin: NodeJS.ReadStream, estimate: LookAheadEstimate): Promise<boolean> {
  const rl = createInterface({ input: stdin, output: out.streams.stderr });
  try {
    const answer = await rl.question(`Generate ${estimate.nodes} nodes? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export default defineCommand({
  name: "expand",
  summary: "generate a subtree below a node without choosing (a look-ahead to read)",
  description:
    "Every node below <node>, to --depth levels, gets --width candidates from the session's generator (and its " +
    "generators alongside, each with its own count); nothing is chosen and the tip stays. Each node's candidates " +
    "are journaled as a step's are, so `loom checkout` on one re-presents them. Before any call the command prints " +
    "what it will cost; with a paid service (or a model priced in prices.toml in the config directory) it asks " +
    "first, or needs --yes when there is no terminal.",
  positionals: [
    { name: "node", description: "node id, id prefix, or position on the current path (default -1, the tip)" },
    SESSION_POSITIONAL,
  ],
  options: {
    depth: {
      type: "number",
      integer: true,
      min: 1,
      max: 32,
      default: 2,
      valueName: "D",
      description: "levels below the node",
    },
    width: {
      type: "number",
      integer: true,
      min: 1,
      max: 64,
      default: 3,
      valueName: "N",
      description: "candidates per node",
    },
    yes: { type: "boolean", short: "y", description: "go ahead without asking, even when a paid service is called" },
    estimate: { type: "boolean", description: "print the estimate and stop (no calls)" },
  },
  examples: [
    {
      command: "loom expand story -1 --depth 2 --width 3",
      description: "Three continuations of the tip, three of each.",
    },
    {
      command: "loom expand story n_4f2e --depth 3 --width 2 --estimate",
      description: "What a look-ahead would cost, without making it.",
    },
  ],
  async run(ctx) {
    const { values, env, cwd, out, stdin, signal } = ctx;
    const positionals = sessionFirst(ctx.positionals, cwd);
    const dir = resolveSessionDir(positionals.session, env, cwd);
    const prices = await readPricesFile(pricesFileOf(env));
    const session = await openSession(dir, { onWarning: (w) => out.warn(w) });
    const made: { close?: () => Promise<void> }[] = [];
    try {
      const nodeId = resolveNodeRef(session.loom, positionals.node ?? "-1", "<node>");
      const config = session.loom.config.generator;
      const options = { env, cwd, onWarning: (w: string) => out.warn(w) };
      const generator = makeGenerator(config, options);
      made.push(generator);
      const alongside = makeAlongside(config, options);
      made.push(...alongside.map((a) => a.generator));
      const orch = await Orchestrator.open({ session, generator, alongside, prices, signal });
      const shape = { depth: values.depth, width: values.width };
      let estimate: LookAheadEstimate;
      try {
        estimate = orch.estimateExpansion(nodeId, shape);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      if (values.estimate) {
        out.result({ session: dir, estimate }, () => describeEstimate(estimate));
        return;
      }
      out.info(describeEstimate(estimate));
      if (estimate.paid && !values.yes) {
        if (stdin.isTTY !== true)
          throw new UsageError(
            `this look-ahead calls a paid service (${estimate.generators
              .filter((g) => g.hosted || g.costUsd !== null)
              .map((g) => `${g.provider}:${g.model}`)
              .join(", ")}); nothing was generated`,
            "pass --yes to go ahead, or --estimate to see the cost only",
          );
        if (!(await confirm(out, stdin, estimate))) {
          out.info("nothing generated");
          return;
        }
      }
      let done = 0;
      orch.on((e) => {
        if (e.type === "expanded") {
          done += e.candidates.length;
          out.progress(`level ${e.level} of ${e.depth} · ${done} nodes…`);
        }
      });
      const result = await orch.expand(nodeId, { ...shape, signal });
      out.done();
      const loom = session.loom;
      const usage = orch.getUsage();
      out.result(
        { session: dir, estimate, ...result, tip: loom.currentPath.at(-1), usage },
        () =>
          `${result.aborted ? "interrupted: " : ""}added ${result.nodeIds.length} nodes below ${nodeId} in ${result.levels} level${result.levels === 1 ? "" : "s"}; nothing chosen, the tip stays at ${loom.currentPath.at(-1)}. \`loom tree\` shows them; \`loom checkout\` one to read on from it.`,
      );
    } finally {
      out.done();
      for (const g of made) await g.close?.().catch(() => {});
      await session.close();
    }
  },
});
