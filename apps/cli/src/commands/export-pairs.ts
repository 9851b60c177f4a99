// `loom export-pairs`: recorded decisions as preference pairs (JSONL, the shape DPO trainers read).
import { resolve } from "node:path";
import type { ChosenBy } from "@loom/core";
import { defineCommand } from "../cli/define-command.js";
import { UsageError } from "../cli/exit-error.js";
import { streamSink, writeFileStreamed } from "@loom/io/internal";

const CHOOSERS: readonly ChosenBy[] = ["human", "selector_llm", "auto"];

function choosersOf(text: string | undefined): ChosenBy[] | undefined {
  if (text === undefined) return undefined;
  const list = text
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);
  for (const c of list)
    if (!(CHOOSERS as readonly string[]).includes(c))
      throw new UsageError(`--chooser: unknown chooser "${c}"`, `use any of: ${CHOOSERS.join(", ")}`);
  return list as ChosenBy[];
}

export default defineCommand({
  name: "export-pairs",
  summary: "write recorded choices as preference pairs (JSONL for DPO training)",
  description: [
    "One JSON object a line: prompt (the brief the decision was made under, then the text before the",
    "decision), chosen (the chosen candidate's text), rejected (a candidate not chosen), and metadata",
    "(session, decision, step, chooser, reason, chosen/rejected/max logprob, logprobGap). A rejected",
    "candidate whose text equals the chosen one makes no pair, and a pair repeated exactly (a copied",
    "session) is written once. --pairs one keeps per decision the rejected candidate the chooser ranked",
    "next, else the base model's favourite among the rejected. Sessions are read read-only.",
  ].join("\n"),
  positionals: [{ name: "paths", description: "sessions, directories of sessions, or glob patterns", required: true }],
  acceptsRest: true,
  options: {
    chooser: {
      type: "string",
      valueName: "LIST",
      description: "only decisions by these choosers (comma-separated: human, selector_llm, auto)",
    },
    "min-gap": { type: "number", max: 0, valueName: "X", description: "only choices with a logprob gap of at least X" },
    "max-gap": {
      type: "number",
      max: 0,
      valueName: "X",
      description: "only choices with a logprob gap of at most X (-1: divergences)",
    },
    pairs: {
      type: "enum",
      choices: ["all", "one"],
      default: "all",
      description: "every rejected candidate, or one per decision",
    },
    "agreed-by": {
      type: "string",
      valueName: "JUDGE",
      description: "only decisions this judge (loom rejudge) chose the same candidate on",
    },
    "disputed-by": {
      type: "string",
      valueName: "JUDGE",
      description: "only decisions this judge (loom rejudge) chose another candidate (or stopped) on",
    },
    "no-brief": { type: "boolean", description: "leave the brief out of the prompt" },
    out: {
      type: "string",
      short: "o",
      valueName: "FILE",
      description: "write to a file (written whole or not at all) instead of stdout",
    },
  },
  examples: [
    { command: "loom export-pairs sessions/ -o pairs.jsonl", description: "Every choice against every rejection." },
    {
      command: "loom export-pairs sessions/ --chooser human --pairs one -o human.jsonl",
      description: "The human's choices, one pair per decision.",
    },
    {
      command: "loom export-pairs sessions/ --chooser human --agreed-by anthropic:claude-sonnet-5-5",
      description: "The human's choices an LLM judge would have made too.",
    },
    {
      command: "loom export-pairs 'runs/*/' --chooser selector_llm --max-gap -1",
      description: "Where an LLM judge went against the base model, to stdout.",
    },
  ],
  async run({ values, positionals, rest, out, cwd }) {
    const minGap = values["min-gap"];
    const maxGap = values["max-gap"];
    if (minGap !== undefined && maxGap !== undefined && minGap > maxGap)
      throw new UsageError(`--min-gap ${minGap} is above --max-gap ${maxGap}: no choice can pass both`);
    const choosers = choosersOf(values.chooser);
    if (out.json && !values.out)
      throw new UsageError("--json needs --out FILE: the pairs themselves are JSON lines on stdout");
    if (values["agreed-by"] !== undefined && values["disputed-by"] !== undefined)
      throw new UsageError("--agreed-by and --disputed-by: choose one");
    const judge = values["agreed-by"] ?? values["disputed-by"];
    if (judge !== undefined && !judge.trim()) throw new UsageError("--agreed-by/--disputed-by need a judge's name");
    const { exportPairs } = await import("@loom/analysis");
    const paths = [positionals.paths!, ...rest];
    const options = {
      cwd,
      pairs: values.pairs,
      brief: !values["no-brief"],
      ...(choosers ? { choosers } : {}),
      ...(minGap !== undefined ? { minGap } : {}),
      ...(maxGap !== undefined ? { maxGap } : {}),
      ...(judge !== undefined ? { agreement: { judge, agree: values["agreed-by"] !== undefined } } : {}),
    };
    if (values.out) {
      const file = resolve(cwd, values.out);
      let result = { pairs: 0, duplicates: 0, sessions: 0 };
      const bytes = await writeFileStreamed(file, async (sink) => {
        result = await exportPairs(paths, (pair) => sink(`${JSON.stringify(pair)}\n`), options);
      });
      out.result(
        { file, bytes, ...result },
        () =>
          `wrote ${result.pairs} pairs from ${result.sessions} sessions to ${file}${result.duplicates ? ` (${result.duplicates} repeated pairs left out)` : ""}`,
      );
      return;
    }
    const { sink } = streamSink(out.streams.stdout);
    out.streamResult();
    const result = await exportPairs(paths, (pair) => sink(`${JSON.stringify(pair)}\n`), options);
    out.info(
      `${result.pairs} pairs from ${result.sessions} sessions${result.duplicates ? ` (${result.duplicates} repeated pairs left out)` : ""}`,
    );
  },
});
