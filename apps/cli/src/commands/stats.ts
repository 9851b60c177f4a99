// `loom stats`: the size of the loom, how far choices strayed from the model, tokens and cost.
import { readSessionState, readSessionView } from "@loom/io";
import { type SessionUsage, USAGE_STATE_NAME } from "@loom/core";
import { defineCommand } from "../cli/define-command.js";
import { formatLogprob } from "../render/snippet.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
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
    // Totals from the digest kept with the snapshot (the whole session is read only when it has none).
    const view = await readSessionView(dir);
    for (const w of view.warnings) out.warn(w);
    const saved = await readSessionState<SessionUsage>(dir, USAGE_STATE_NAME, (w) => out.warn(w));
    const usage = usageTotals(saved);
    const generator = view.config.generator;
    const stats = {
      sessionId: view.sessionId,
      ...view.stats,
      usage: saved,
      requests: usage.requests,
      modelInputTokens: usage.inputTokens,
      modelOutputTokens: usage.outputTokens,
      costUsd: usage.costUsd,
      generator: `${generator.provider}${generator.model ? ` ${generator.model}` : ""}`,
      selector: view.config.selector.mode,
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
  },
});
