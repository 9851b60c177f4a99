// `loom analyze`: many sessions as research data — acceptance, logprob gaps, clarifications, diversity, length and usage, grouped.
import { resolve } from "node:path";
import { defineCommand } from "../cli/define-command.js";
import { THRESHOLD_OPTION } from "../cli/threshold-option.js";
import { FailureError, UsageError } from "../cli/exit-error.js";
import { databaseRef, isDatabaseUrl } from "../session/database-ref.js";

export default defineCommand({
  name: "analyze",
  summary: "aggregate many sessions: acceptance, gaps, clarifications, diversity, usage",
  description: [
    "Reads session directories, directories holding sessions (searched to any depth) and quoted glob",
    "patterns, read-only. Per group: acceptance (share of choices of the base model's favourite, gap 0),",
    "the logprob gap's distribution, divergences below --threshold, clarifications and what hinged on",
    "them, candidate diversity per step, and per session-level group how pieces ended, their length and",
    "the model usage and cost each run saved. Group keys: selector, generator, brief, preset, session,",
    "position (where in the piece, in --buckets parts) and chooser (who made the decision).",
  ].join("\n"),
  positionals: [{ name: "paths", description: "sessions, directories of sessions, or glob patterns", required: true }],
  acceptsRest: true,
  options: {
    "group-by": {
      type: "string",
      valueName: "KEYS",
      description: "comma-separated: selector, generator, brief, preset, session, position, chooser",
    },
    threshold: THRESHOLD_OPTION,
    buckets: {
      type: "number",
      integer: true,
      min: 1,
      max: 100,
      default: 5,
      valueName: "N",
      description: "parts of the piece for --group-by position and the along-the-piece numbers",
    },
    workers: {
      type: "number",
      integer: true,
      min: 0,
      max: 256,
      valueName: "N",
      description: "threads reading sessions (default: one a core from 16 sessions on; 0 reads on the main thread)",
    },
    csv: { type: "boolean", description: "the table as CSV on stdout (one row per group, then all)" },
    agreement: {
      type: "boolean",
      description:
        "instead: how often the recorded choosers and the judges of `loom rejudge` agree (same choice; Kendall's tau of rankings)",
    },
    plot: {
      type: "string",
      valueName: "FILE",
      description: "also draw the charts (gap distribution, gap and acceptance along the piece) to FILE.svg or .png",
    },
  },
  examples: [
    { command: "loom analyze sessions/", description: "One row per session under sessions/, then the total." },
    {
      command: "loom analyze 'postgres://loom@db/loom#selector-study' --group-by selector",
      description: "A sweep's sessions, read from the database.",
    },
    {
      command: "loom analyze sessions/ --group-by selector",
      description: "Does one selector fight the base model more than another?",
    },
    {
      command: "loom analyze 'runs/*/' --group-by chooser,position --json",
      description: "Where in a piece humans and LLM judges part from the model, as JSON.",
    },
    { command: "loom analyze a b c --group-by brief --csv > briefs.csv", description: "A sheet per brief." },
    {
      command: "loom analyze sessions/ --agreement --group-by chooser",
      description: "After loom rejudge: do the judges choose as the humans, auto rules and LLMs did?",
    },
    {
      command: "loom analyze sessions/ --group-by selector --plot gaps.svg",
      description: "The table, and the charts drawn to gaps.svg.",
    },
  ],
  async run({ values, positionals, rest, out, cwd }) {
    if (values.csv && values.json) throw new UsageError("--csv and --json: choose one output format");
    const chart = values.plot === undefined ? null : await import("../render/chart-file.js");
    chart?.chartFormatOf(values.plot!);
    // Loaded here, not at the top: no other command pays for the analysis package.
    const { AnalysisError, analyzeSessions, parseGroupBy, reportCsv } = await import("@loom/analysis");
    let groupBy: ReturnType<typeof parseGroupBy> = [];
    try {
      if (values["group-by"] !== undefined) groupBy = parseGroupBy(values["group-by"]);
    } catch (error) {
      if (!AnalysisError.isInstance(error)) throw error;
      throw new UsageError(`--group-by: ${error.message}`, error.hint);
    }
    const paths = [positionals.paths!, ...rest];
    const workers = values.workers === undefined ? {} : { workers: values.workers };
    if (values.agreement && isDatabaseUrl(paths[0]!))
      throw new UsageError("--agreement reads re-judgements kept beside session directories; give directories");
    if (values.agreement) {
      if (values.plot !== undefined)
        throw new UsageError("--plot draws the analysis charts; leave it out with --agreement");
      const { analyzeAgreement, agreementRows, csvText } = await import("@loom/analysis");
      const agreement = await analyzeAgreement(paths, { cwd, groupBy, positionBuckets: values.buckets, ...workers });
      for (const w of agreement.warnings) out.warn(w);
      for (const s of agreement.skipped) out.warn(`skipped ${s.path}: ${s.error}`);
      if (values.csv) {
        out.streamResult();
        out.write(csvText(agreementRows(agreement)));
      } else {
        const { renderAgreement } = await import("../render/agreement-table.js");
        out.result(agreement, () => renderAgreement(agreement, out.colors));
      }
      if (agreement.skipped.length > 0)
        throw new FailureError(`${agreement.skipped.length} sessions could not be read`, "see the warnings above");
      return;
    }
    const stored = await storedSessions(paths);
    const report = await analyzeSessions(paths, {
      cwd,
      groupBy,
      threshold: values.threshold,
      positionBuckets: values.buckets,
      ...workers,
      onProgress: (done, total) => {
        if (total >= 20 && done % 10 === 0) out.progress(`read ${done}/${total} sessions`);
      },
      ...(stored ? { stored } : {}),
    }).finally(() => stored?.store.close());
    out.done();
    for (const w of report.warnings) out.warn(w);
    if (values.plot !== undefined) {
      const { chartSpec } = await import("@loom/analysis");
      const file = resolve(cwd, values.plot);
      const drawn = await chart!.writeChart(file, chartSpec(report));
      out.info(`drew the charts to ${file} (${drawn.format}, ${drawn.bytes} bytes)`);
    }
    for (const s of report.skipped) out.warn(`skipped ${s.path}: ${s.error}`);
    if (values.csv) {
      out.streamResult();
      out.write(reportCsv(report));
    } else {
      const { renderAnalysis } = await import("../render/analysis-table.js");
      out.result(report, () => renderAnalysis(report, out.colors, out.columns));
    }
    if (report.skipped.length > 0)
      throw new FailureError(
        `${report.skipped.length} of ${report.skipped.length + report.perSession.length} sessions could not be read`,
        report.perSession.length ? "the numbers above leave them out; see the warnings" : "see the warnings above",
      );
  },
});

/**
 * `postgres://…/db#prefix`: the database's sessions whose id is the prefix or starts with `prefix:` (a sweep's
 * name picks its sessions); without a #fragment, every session in it. Null for directories.
 */
async function storedSessions(paths: string[]) {
  const ref = databaseRef(paths[0]!);
  if (!ref) return null;
  if (paths.length > 1) throw new UsageError("give one postgres:// URL, or directories and patterns, not both");
  // Loaded only here: the driver is not part of any other command's start-up.
  const { postgresSessionStore } = await import("@loom/store-postgres");
  const store = postgresSessionStore(ref.url);
  const all = await store.list().catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const ids = ref.id === null ? all : all.filter((id) => id === ref.id || id.startsWith(`${ref.id}:`));
  return { store, ids };
}
