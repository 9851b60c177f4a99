// `loom rejudge`: every recorded decision of many sessions put to another selector, its verdicts stored beside the sessions (which stay unchanged).
import { SelectorConfigSchema } from "@loom/core";
import type { Selector } from "@loom/selectors";
import { defineCommand } from "../cli/define-command.js";
import { FailureError, UsageError } from "../cli/exit-error.js";
import { makeSelector } from "../session/make-selector.js";

/** `--price 3,15`: USD per million input and output tokens. */
function priceOf(text: string): { inputPerMTok: number; outputPerMTok: number } {
  const parts = text.split(",").map((p) => Number(p.trim()));
  if (parts.length !== 2 || parts.some((p) => !Number.isFinite(p) || p < 0))
    throw new UsageError(
      `--price must be two numbers, input and output USD per million tokens (got "${text}")`,
      "e.g. --price 3,15",
    );
  return { inputPerMTok: parts[0]!, outputPerMTok: parts[1]! };
}

export default defineCommand({
  name: "rejudge",
  summary: "put recorded decisions to another selector; its verdicts are kept beside the sessions",
  description: [
    "Replays each resolved decision of the sessions (the same text before it, the same candidates, the brief",
    "version it was made under, and the human's answer where a clarification was asked) through another",
    "selector, generating nothing. Verdicts are appended to each session's state/rejudge.ndjson, keyed by",
    "decision and judge; the session itself is not changed. A rerun skips the decisions the judge already has",
    "a verdict on, and tries failed ones again. Judges: auto (the base model's favourite), random (a seeded",
    "pick), stateless (an LLM, one call per decision). Then: loom analyze --agreement.",
  ].join("\n"),
  positionals: [{ name: "paths", description: "sessions, directories of sessions, or glob patterns", required: true }],
  acceptsRest: true,
  options: {
    selector: {
      type: "enum",
      choices: ["auto", "random", "stateless"],
      description: "the judge: auto, random (seeded), or stateless (an LLM; needs --selector-model)",
    },
    "selector-model": {
      type: "string",
      valueName: "MODEL",
      description: "the stateless judge's model, e.g. claude-sonnet-5-5 or gpt-4.1 (provider:model also works)",
    },
    "selector-base-url": { type: "string", valueName: "URL", description: "endpoint for the judge's provider" },
    seed: {
      type: "number",
      integer: true,
      min: 0,
      max: 2 ** 32 - 1,
      valueName: "N",
      description: "the random judge's seed (default 1)",
    },
    as: {
      type: "string",
      valueName: "NAME",
      description: "the judge's name in the record (default: auto, random-seed-N, or provider:model)",
    },
    concurrency: {
      type: "number",
      integer: true,
      min: 1,
      max: 64,
      default: 4,
      valueName: "N",
      description: "decisions judged at once (an LLM judge's calls in flight)",
    },
    price: {
      type: "string",
      valueName: "IN,OUT",
      description: "the judge model's USD per million input and output tokens, for the cost",
    },
  },
  examples: [
    {
      command: "loom rejudge sessions/ --selector auto",
      description: "Would the base model's favourite have been chosen?",
    },
    {
      command: "loom rejudge sessions/ --selector stateless --selector-model claude-sonnet-5-5 --price 3,15",
      description: "An LLM judge's verdict on every recorded decision, with its cost.",
    },
    {
      command: "loom analyze sessions/ --agreement",
      description: "Then: how often the judges and the choosers agree.",
    },
  ],
  async run({ values, positionals, rest, out, cwd, env, signal }) {
    if (!values.selector) throw new UsageError("rejudge needs --selector auto, random or stateless");
    const mode = values.selector;
    if (mode !== "stateless" && (values["selector-model"] || values["selector-base-url"]))
      throw new UsageError(
        `--selector ${mode} takes no model: --selector-model and --selector-base-url are for stateless`,
      );
    if (mode !== "random" && values.seed !== undefined) throw new UsageError("--seed is for --selector random");
    if (mode === "stateless" && !values["selector-model"])
      throw new UsageError("--selector stateless needs --selector-model (e.g. claude-sonnet-5-5 or gpt-4.1)");
    const { selectorProviderOf, createAutoSelector } = await import("@loom/selectors");
    let judge: string;
    let judgeConfig: Record<string, unknown>;
    let selector: Selector;
    let model: string | null = null;
    if (mode === "stateless") {
      const named = selectorProviderOf(values["selector-model"]!);
      model = named.model;
      const config = SelectorConfigSchema.parse({
        mode: "stateless",
        provider: named.provider,
        model: named.model,
        baseUrl: values["selector-base-url"] ?? null,
      });
      // A stateless config builds the stateless selector (never the agentic one).
      selector = makeSelector(config, { env }) as Selector;
      judge = `${named.provider}:${named.model}`;
      judgeConfig = { mode: "stateless", provider: named.provider, model: named.model };
    } else {
      const seed = values.seed ?? 1;
      selector = createAutoSelector(mode === "random" ? { rule: "random", seed } : {});
      judge = mode === "random" ? `random-seed-${seed}` : "auto";
      judgeConfig = mode === "random" ? { mode: "auto", rule: "random", seed } : { mode: "auto", rule: "max-logprob" };
    }
    if (values.as !== undefined) {
      judge = values.as.trim();
      if (!judge || judge.startsWith("recorded"))
        throw new UsageError(`--as "${values.as}": a judge's name must be non-empty and not start with "recorded"`);
    }
    const prices = values.price !== undefined && model !== null ? { [model]: priceOf(values.price) } : {};
    if (values.price !== undefined && model === null)
      throw new UsageError("--price is for --selector stateless (the others cost nothing)");
    const { rejudgeSessions } = await import("@loom/analysis");
    const summary = await rejudgeSessions([positionals.paths!, ...rest], {
      selector,
      judge,
      judgeConfig,
      concurrency: values.concurrency,
      prices,
      cwd,
      signal,
      onProgress: (p) =>
        out.progress(`judged ${p.judged} decisions (${p.failed} failed), session ${p.sessionsRead} of ${p.sessions}`),
    });
    out.done();
    for (const w of summary.warnings) out.warn(w);
    for (const s of summary.skipped) out.warn(`skipped ${s.path}: ${s.error}`);
    for (const f of summary.failures.slice(0, 5)) out.warn(`${f.dir}: decision ${f.decisionId}: ${f.error}`);
    if (summary.failures.length > 5) out.warn(`… and ${summary.failures.length - 5} more failed decisions`);
    const { renderRejudge } = await import("../render/rejudge-summary.js");
    out.result({ ...summary, stopped: summary.stopped && { error: summary.stopped.error.message } }, () =>
      renderRejudge(summary),
    );
    if (summary.stopped)
      throw new FailureError(
        `the judge stopped: ${summary.stopped.error.message}`,
        "what was judged is kept; run the same command again to go on",
      );
    const problems = [
      summary.failed ? `${summary.failed} decision${summary.failed === 1 ? "" : "s"} failed` : "",
      summary.skipped.length
        ? `${summary.skipped.length} session${summary.skipped.length === 1 ? "" : "s"} could not be read or ${summary.skipped.length === 1 ? "was" : "were"} busy`
        : "",
    ].filter(Boolean);
    if (problems.length)
      throw new FailureError(
        problems.join(" and "),
        summary.failed ? "the failed decisions are tried again when you rerun the command" : "see the warnings above",
      );
  },
});
