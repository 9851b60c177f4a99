// GET /api/analysis: @loom/analysis over the server's sessions (read-only): the table, the charts as SVG drawn by Vega from the same specs as `loom analyze --plot`, and one session's divergences on its text.
import { basename, join } from "node:path";
import {
  analyzeSessions,
  chartData,
  chartSpec,
  chartSvg,
  findSessionDirs,
  GROUP_KEYS,
  pieceMarks,
  reportRows,
  type AnalysisReport,
} from "@loom/analysis";
import { DEFAULT_DIVERGENCE_THRESHOLD } from "@loom/core";
import { z } from "zod";
import { HttpError } from "../http/http-error.js";
import { SESSION_ID_PATTERN } from "../sessions/session-id.js";
import { defineRoute } from "./api-route.js";
import { ErrorBodySchema } from "./schemas.js";

/** At most this many sessions named in one query (the whole directory is analysed when none are named). */
const MAX_NAMED = 2_000;

const AnalysisQuerySchema = z
  .object({
    groupBy: z
      .string()
      .max(200)
      .transform((text, ctx) => {
        const keys = [
          ...new Set(
            text
              .split(",")
              .map((k) => k.trim())
              .filter(Boolean),
          ),
        ];
        const unknown = keys.find((k) => !(GROUP_KEYS as readonly string[]).includes(k));
        if (unknown !== undefined)
          ctx.addIssue({
            code: "custom",
            message: `unknown group key "${unknown.slice(0, 40)}" (use any of: ${GROUP_KEYS.join(", ")})`,
          });
        return keys as (typeof GROUP_KEYS)[number][];
      })
      .optional()
      .meta({ description: `Comma-separated keys to group by: ${GROUP_KEYS.join(", ")}.` }),
    threshold: z
      .string()
      .regex(/^-?\d+(\.\d+)?$/, "expected a number such as -1 or -0.5")
      .transform(Number)
      .pipe(z.number().min(-1000).max(1000))
      .optional()
      .meta({ type: "number", description: "A choice whose logprob gap is below this is a divergence (default −1)." }),
    buckets: z
      .string()
      .regex(/^\d+$/, "expected a whole number of parts from 1 to 100")
      .transform(Number)
      .pipe(z.number().int().min(1).max(100))
      .optional()
      .meta({
        type: "integer",
        minimum: 1,
        maximum: 100,
        description: "Parts of the piece for positions (default 5).",
      }),
    sessions: z
      .string()
      .max(MAX_NAMED * 65)
      .transform((text, ctx) => {
        const ids = [...new Set(text.split(",").filter(Boolean))];
        const bad = ids.find((id) => !SESSION_ID_PATTERN.test(id));
        if (bad !== undefined)
          ctx.addIssue({
            code: "custom",
            message: `"${bad.slice(0, 40)}" is not a session id (1-64 letters, digits, '_' or '-')`,
          });
        else if (ids.length === 0) ctx.addIssue({ code: "custom", message: "name at least one session" });
        else if (ids.length > MAX_NAMED)
          ctx.addIssue({ code: "custom", message: `at most ${MAX_NAMED} sessions (leave it out for all of them)` });
        return ids;
      })
      .optional()
      .meta({ description: "Comma-separated ids of the sessions to analyse (default: every session)." }),
    marks: z
      .string()
      .regex(SESSION_ID_PATTERN, "expected a session id")
      .optional()
      .meta({ description: "The session whose text to mark with its divergences (default: the first analysed)." }),
  })
  .strict();

type Query = z.infer<typeof AnalysisQuerySchema>;

/** The report with the server's paths taken out: sessions are named by id, files by their place in the session. */
function withoutPaths(report: AnalysisReport, sessionsDir: string): AnalysisReport {
  const strip = (text: string) => text.split(`${sessionsDir}/`).join("");
  return {
    ...report,
    skipped: report.skipped.map((s) => ({ path: basename(s.path), error: strip(s.error) })),
    warnings: report.warnings.map(strip),
  };
}

/** The named sessions' directories (404 for one the server does not have), or all of them. */
function sessionDirs(sessionsDir: string, all: readonly string[], query: Query): string[] {
  if (!query.sessions) return [...all];
  const known = new Set(all);
  const dirs = query.sessions.map((id) => join(sessionsDir, id));
  const missing = dirs.find((d) => !known.has(d));
  if (missing !== undefined)
    throw new HttpError(404, "not_found", `no session "${basename(missing)}" on this server`, { field: "sessions" });
  return dirs;
}

export const analysisRoute = () =>
  defineRoute({
    method: "GET",
    path: "/api/analysis",
    operationId: "analyzeSessions",
    summary:
      "Analyse the server's sessions (read-only) as `loom analyze` does: the report, its table rows, the charts (Vega-Lite specs drawn to SVG) and one session's text with its divergences marked.",
    query: AnalysisQuerySchema,
    responses: {
      200: { description: "The analysis." },
      400: { description: "A bad query; `error.field` names the parameter.", schema: ErrorBodySchema },
      404: { description: "A named session is not on this server.", schema: ErrorBodySchema },
      503: {
        description:
          "The server is running as many analyses as it runs at once and as many more are waiting: ask again after `Retry-After` seconds.",
        schema: ErrorBodySchema,
        headers: {
          "Retry-After": { description: "Seconds to wait before asking again.", schema: { type: "integer" } },
        },
      },
      501: { description: "The server keeps its sessions in a database, not a directory.", schema: ErrorBodySchema },
    },
    handle: async (ctx) => {
      const query = ctx.query as Query;
      if (ctx.hub.store) {
        throw new HttpError(
          501,
          "not_implemented",
          `analysis reads session directories, and this server keeps its sessions in a ${ctx.hub.store.kind} store: copy them out with \`loom migrate --from <url>#<id> --to <dir>\`, then run \`loom analyze\``,
        );
      }
      const sessionsDir = ctx.hub.sessionsDir;
      // No session yet is an empty analysis, not an error.
      const all = await findSessionDirs([sessionsDir]).catch(() => [] as string[]);
      const dirs = sessionDirs(sessionsDir, all, query);
      const ids = dirs.map((d) => basename(d));
      if (query.marks !== undefined && !ids.includes(query.marks))
        throw new HttpError(400, "invalid_query", `query field "marks": session "${query.marks}" is not analysed`, {
          field: "marks",
        });
      const threshold = query.threshold ?? DEFAULT_DIVERGENCE_THRESHOLD;
      const options = { groupBy: query.groupBy ?? [], threshold, positionBuckets: query.buckets };
      // Reading the sessions, marking the piece and drawing the charts all take the turn: each is the heavy part
      // for some query.
      return ctx.deps.analyses.run(async () => {
        const report = withoutPaths(await analyzeSessions(dirs, options), sessionsDir);
        const spec = chartSpec(report);
        const readable = ids.filter((id) => !report.skipped.some((s) => s.path === id));
        const marked = query.marks ?? readable[0] ?? null;
        const marks =
          marked === null || !readable.includes(marked) ? null : await pieceMarks(join(sessionsDir, marked), threshold);
        return {
          status: 200,
          body: {
            available: all.map((d) => basename(d)),
            sessions: ids,
            groupKeys: GROUP_KEYS,
            report,
            table: reportRows(report),
            charts: { data: chartData(report), svg: await chartSvg(spec) },
            marks,
          },
        };
      });
    },
  });
