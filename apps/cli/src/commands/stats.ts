// `loom stats`: the size of the loom, how far choices strayed from the model, tokens and cost.
import { loomStats, nodeTokenCount, pathTokenCount, type Loom } from "@loom/core";
import { openSession } from "@loom/io";
import type { SessionUsage } from "@loom/orchestrator";
import { defineCommand } from "../cli/define-command.js";
import { formatLogprob } from "../render/snippet.js";
import { SESSION_POSITIONAL } from "../session/read-loom.js";
import { resolveSessionDir } from "../session/session-dir.js";

/** Totals over the usage the orchestrator saves in the session's side state (`state/usage.json`). */
function usageTotals(usage: SessionUsage | null) {
  const all = usage ? [...usage.generator, ...usage.selector] : [];
  const sum = (f: (t: (typeof all)[number]) => number) => all.reduce((s, t) => s + f(t), 0);
  return {
    requests: sum((t) => t.requests),
    inputTokens: sum((t) => t.inputTokens),
    outputTokens: sum((t) => t.outputTokens),
    costUsd: usage?.costUsd ?? null,
    unpriced: usage?.unpriced ?? [],
  };
}

/**
 * Counted as the token budget (maxTokensTotal) counts them: a segment without tokens (CLI-sim, the
 * human's own text) by its length. `generated` leaves out what the human wrote or edited.
 */
function tokenCounts(loom: Loom) {
  let generated = 0;
  for (const n of Object.values(loom.nodes)) if (n.origin === "generated") generated += nodeTokenCount(n);
  return { generatedTokens: generated, currentPathTokens: pathTokenCount(loom) };
}

export default defineCommand({
  name: "stats",
  summary: "counts, mean logprob gap, tokens and cost",
  positionals: [SESSION_POSITIONAL],
  options: {},
  examples: [
    { command: "loom stats story", description: "Nodes, decisions, mean logprob gap, tokens and cost." },
    { command: "loom stats story --json", description: "The same numbers as JSON." },
  ],
  async run({ positionals, env, cwd, out }) {
    const dir = resolveSessionDir(positionals.session, env, cwd);
    const session = await openSession(dir, { readOnly: true });
    try {
      for (const w of session.warnings) out.warn(w);
      const loom = session.loom;
      const saved = await session.readState<SessionUsage>("usage");
      const usage = usageTotals(saved);
      const stats = {
        sessionId: loom.sessionId,
        ...loomStats(loom),
        ...tokenCounts(loom),
        textChars: loom.currentPath.reduce((sum, id) => sum + loom.nodes[id]!.text.length, 0),
        usage: saved,
        requests: usage.requests,
        modelInputTokens: usage.inputTokens,
        modelOutputTokens: usage.outputTokens,
        costUsd: usage.costUsd,
        generator: `${loom.config.generator.provider}${loom.config.generator.model ? ` ${loom.config.generator.model}` : ""}`,
        selector: loom.config.selector.mode,
      };
      out.result(stats, () => {
        const rows: [string, string][] = [
          ["session", stats.sessionId],
          ["generator", stats.generator],
          ["selector", stats.selector],
          ["nodes", String(stats.nodes)],
          [
            "decisions",
            `${stats.decisions} (${stats.resolvedDecisions} resolved, ${stats.clarifications} clarifications)`,
          ],
          ["depth", String(stats.depth)],
          ["mean logprob gap", formatLogprob(stats.meanLogprobGap)],
          ["tokens", `${stats.generatedTokens} generated, ${stats.currentPathTokens} on the current path`],
          ["text", `${stats.textChars} characters`],
          ["model calls", `${usage.requests} requests, ${usage.inputTokens} tokens in, ${usage.outputTokens} out`],
          [
            "cost",
            stats.costUsd !== null
              ? `$${stats.costUsd.toFixed(4)}${usage.unpriced.length ? ` (not priced: ${usage.unpriced.join(", ")})` : ""}`
              : "— (local engine, or no price configured)",
          ],
        ];
        return rows.map(([k, v]) => `${out.colors.bold(k.padEnd(17))} ${v}`).join("\n");
      });
    } finally {
      await session.close();
    }
  },
});
