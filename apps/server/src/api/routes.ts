// Every API route: sessions, the loop's actions, live events and export. Handlers compose the packages; they hold no tree logic.
import { briefRoutes } from "./brief-routes.js";
import { generationRoutes } from "./generation-routes.js";
import { analysisRoute } from "./analysis-route.js";
import { doctorRoute } from "./doctor-route.js";
import { sessionOptionsRoutes } from "./session-options-routes.js";
import { heldPathRoutes } from "./held-path-routes.js";
import { importRoute } from "./import-route.js";
import { lookAheadRoutes } from "./look-ahead-routes.js";
import { treeWorkRoutes } from "./tree-work-routes.js";
import { applySessionPolicy } from "./session-policy.js";
import {
  BriefSchema,
  createLoom,
  currentText,
  nodeText,
  openDecisionAt,
  pendingClarification,
  rejectedAt,
  SessionConfigSchema,
  applyPreset,
  findPreset,
  BUILT_IN_PRESETS,
  type GenerationPreset,
  type SessionConfigInput,
} from "@loom/core";
import { stopDecisionAt } from "@loom/core/internal";
import { exportDot, exportJson, exportMarkdown } from "@loom/io";
import { z } from "zod";
import { HttpError } from "../http/http-error.js";
import { scrub } from "../http/scrub.js";
import { SseStream } from "../http/sse-stream.js";
import type { LiveSession } from "../sessions/live-session.js";
import { defineRoute, type ApiContext, type ApiReply, type ApiRoute } from "./api-route.js";
import { buildOpenApiDocument } from "./openapi.js";
import {
  AnswerClarificationBodySchema,
  BudgetBodySchema,
  CheckoutBodySchema,
  ChooseBodySchema,
  CreateSessionBodySchema,
  DecisionSummarySchema,
  ErrorBodySchema,
  ExportQuerySchema,
  GenerateBodySchema,
  GlanceSchema,
  PutBriefBodySchema,
  NodeSummarySchema,
  RerollBodySchema,
  RunBodySchema,
  SessionPageQuerySchema,
  SessionPageSchema,
  SessionSummaryListSchema,
  StopBodySchema,
  TreePageQuerySchema,
  TreePageSchema,
  WriteBodySchema,
} from "./schemas.js";
import { buildSessionPage, decisionSummary, nodeSummary } from "./session-page.js";
import { buildTreePage } from "./tree-page.js";

const errors = {
  400: { description: "A bad body, query or id; `error.field` names the field.", schema: ErrorBodySchema },
  404: { description: "No such session, node or decision.", schema: ErrorBodySchema },
} as const;
const conflict = {
  409: { description: "The decision is no longer open (someone else decided this step).", schema: ErrorBodySchema },
};
const StateReplySchema = z.object({
  ok: z.literal(true),
  version: z.number().int(),
  tip: z.string().describe("The tip of the current path."),
  open: z
    .object({ decisionId: z.string(), candidateNodeIds: z.array(z.string()) })
    .nullable()
    .describe("The undecided decision at the tip, if any."),
});

const BriefReplySchema = StateReplySchema.extend({
  briefVersion: z.number().int(),
  changed: z.array(z.string()).describe("The fields that changed (none: nothing was written)."),
});

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A preset by name (built-in or the server's), or a 400 naming the field and the names there are. */
function presetFor(ctx: ApiContext, name: string): GenerationPreset {
  const found = findPreset(name, { user: ctx.deps.presets });
  if (found) return found.preset;
  const names = [...Object.keys(BUILT_IN_PRESETS), ...Object.keys(ctx.deps.presets)].join(", ");
  throw new HttpError(400, "invalid_body", `no preset "${name}" on this server (there are: ${names})`, {
    field: "preset",
  });
}

/** Server defaults, then the preset, then exactly the fields the client sent. */
function configFor(defaults: SessionConfigInput, raw: Record<string, unknown>, preset: GenerationPreset | undefined) {
  const d = defaults as Record<string, unknown>;
  const sentGenerator = asObject(raw.generator);
  const defaultGenerator = asObject(d.generator);
  // Another provider than the server's default does not inherit the default's base URL or model.
  const inherited =
    sentGenerator.provider !== undefined && sentGenerator.provider !== (defaultGenerator.provider ?? "local")
      ? Object.fromEntries(Object.entries(defaultGenerator).filter(([k]) => k !== "baseUrl" && k !== "model"))
      : defaultGenerator;
  const base = SessionConfigSchema.parse({
    ...d,
    ...(raw.maxTokensTotal !== undefined ? { maxTokensTotal: raw.maxTokensTotal } : {}),
    ...(raw.maxSteps !== undefined ? { maxSteps: raw.maxSteps } : {}),
    generator: { ...inherited, ...sentGenerator },
    selector: { ...asObject(d.selector), ...asObject(raw.selector) },
    // Where files go is the server's business, never the client's.
    outputDir: null,
  });
  if (!preset) return base;
  const withIt = applyPreset(base, preset);
  return {
    ...withIt,
    generator: {
      ...withIt.generator,
      ...SessionConfigSchema.shape.generator.parse({ ...withIt.generator, ...sentGenerator }),
    },
  };
}

/** Every action replies with the session's version and what is now open at the tip, so a client can decide without a refetch. */
function ok(live: LiveSession) {
  const loom = live.driver.loom;
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  const decisionId = openDecisionAt(loom, tip);
  const open = decisionId ? { decisionId, candidateNodeIds: loom.decisions[decisionId]!.candidateNodeIds } : null;
  return { status: 200, body: { ok: true, version: live.version, tip, open } };
}

/**
 * Run a human action on a session. While a selector runs the session server-side, only answers to its
 * questions are taken (`duringRun`); other actions get 409 until the run ends or is cancelled.
 */
async function mutate(ctx: ApiContext, work: (live: LiveSession) => Promise<void>, duringRun = false) {
  const live = await ctx.hub.get(ctx.params.id!);
  if (live.running && !duringRun) {
    throw new HttpError(
      409,
      "session_running",
      `a selector is running session "${live.id}"; wait for it or POST /api/sessions/${live.id}/run/cancel`,
    );
  }
  // During a run its turn is held already: an answer joins it (taking another would wait on the run forever).
  await (live.running && duringRun ? work(live) : live.writerTurn(() => work(live)));
  live.touch();
  return ok(live);
}

function requireOpenDecision(live: LiveSession, decisionId: string) {
  const d = live.driver.loom.decisions[decisionId];
  if (!d) throw new HttpError(404, "unknown_decision", `no decision "${decisionId}" in session "${live.id}"`);
  if (d.action !== null) {
    throw new HttpError(
      409,
      "decision_not_open",
      `decision "${decisionId}" was already decided (${d.action}${d.chosenBy ? ` by ${d.chosenBy}` : ""})`,
    );
  }
  return d;
}

/** A stop is recorded on the decision open at the tip; with none there it would do nothing, so it is refused. */
function requireSomethingToStop(live: LiveSession) {
  const loom = live.driver.loom;
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  if (openDecisionAt(loom, tip)) return;
  if (stopDecisionAt(loom, tip))
    throw new HttpError(409, "already_stopped", `session "${live.id}" is already stopped at its tip`);
  const pending = pendingClarification(loom);
  if (pending && pending.parentNodeId === tip) return;
  throw new HttpError(
    409,
    "nothing_to_stop",
    `session "${live.id}" has no open decision at its tip to stop: generate candidates first (a stop is recorded on the decision it ends)`,
  );
}

export function apiRoutes(): ApiRoute[] {
  const routes: ApiRoute[] = [
    doctorRoute(),
    analysisRoute(),
    ...(sessionOptionsRoutes() as ApiRoute[]),
    ...(briefRoutes() as ApiRoute[]),
    ...(treeWorkRoutes(mutate) as ApiRoute[]),
    ...(lookAheadRoutes(mutate) as ApiRoute[]),
    ...(generationRoutes(mutate) as ApiRoute[]),
    ...(heldPathRoutes(mutate) as ApiRoute[]),
    importRoute() as ApiRoute,
    defineRoute({
      method: "GET",
      path: "/api/openapi.json",
      operationId: "getOpenApi",
      summary: "This API's OpenAPI 3.1 document, generated from the zod schemas.",
      responses: { 200: { description: "The OpenAPI document." } },
      handle: async () => ({ status: 200, body: buildOpenApiDocument(routes) }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/sessions",
      operationId: "listSessions",
      summary: "Sessions in the sessions directory, most recently changed first, with title, seed, size and state.",
      responses: { 200: { description: "The sessions, newest first.", schema: SessionSummaryListSchema } },
      handle: async (ctx) => {
        const sessions = (await ctx.hub.list()).map((s) =>
          s.problem ? { ...s, problem: scrub(s.problem, ctx.deps.secrets) } : s,
        );
        return { status: 200, body: { sessions } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions",
      operationId: "createSession",
      summary: "Create a session from a seed, a brief and generator / selector settings.",
      body: CreateSessionBodySchema,
      responses: {
        201: { description: "The new session's first page.", schema: SessionPageSchema },
        400: errors[400],
        409: { description: "The id is taken.", schema: ErrorBodySchema },
      },
      handle: async (ctx) => {
        const body = ctx.body;
        const raw = asObject(ctx.rawBody);
        const config = await applySessionPolicy(
          configFor(ctx.deps.defaultConfig, raw, body.preset === undefined ? undefined : presetFor(ctx, body.preset)),
          raw,
          ctx.deps.policy,
        );
        const loom = createLoom(
          {
            seed: body.seed,
            brief: asObject(ctx.rawBody).brief as never,
            config,
            ...(body.sessionId ? { sessionId: body.sessionId } : {}),
          },
          ctx.deps.env,
        );
        const live = await ctx.hub.create(loom);
        return {
          status: 201,
          body: buildSessionPage(live.driver.loom, { cursor: 0, limit: 500, version: live.version, running: false }),
          headers: { location: `/api/sessions/${live.id}` },
        };
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/sessions/:id",
      operationId: "getSession",
      summary: "A session: summary, current text and path, the open decision, and one page of the tree's nodes.",
      query: SessionPageQuerySchema,
      responses: {
        200: { description: "One page of the session.", schema: SessionPageSchema },
        304: { description: "Unchanged since the ETag sent in If-None-Match." },
        ...errors,
      },
      handle: async (ctx): Promise<ApiReply> => {
        const live = await ctx.hub.get(ctx.params.id!);
        const { cursor, limit, steps } = ctx.query;
        return cachedJson(ctx, live, `${cursor}-${limit}-${steps}`, () =>
          buildSessionPage(live.driver.loom, { cursor, limit, steps, version: live.version, running: live.running }),
        );
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/sessions/:id/glance",
      operationId: "glanceSession",
      summary:
        "What a page shows first: the current path's text and the tree around the tip, from the session's stored digest when it is not open yet (it starts opening).",
      responses: { 200: { description: "The glance.", schema: GlanceSchema }, ...errors },
      handle: async (ctx) => ({ status: 200, body: await ctx.hub.glance(ctx.params.id!) }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/sessions/:id/tree",
      operationId: "getTree",
      summary:
        "The session's tree for drawing: each node's id, parent, short text and logprob as columns (no tokens, no summary), paged.",
      query: TreePageQuerySchema,
      responses: {
        200: { description: "One page of the tree.", schema: TreePageSchema },
        304: { description: "Unchanged since the ETag sent in If-None-Match." },
        ...errors,
      },
      handle: async (ctx): Promise<ApiReply> => {
        const live = await ctx.hub.get(ctx.params.id!);
        const { cursor, limit } = ctx.query;
        return cachedJson(ctx, live, `tree-${cursor}-${limit}`, () =>
          buildTreePage(live.driver.loom, { cursor, limit, version: live.version }),
        );
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/sessions/:id/nodes/:nodeId",
      operationId: "getNode",
      summary: "One node in full: tokens with logprobs, its full text, its decision and its rejected siblings.",
      responses: {
        200: {
          description: "The node.",
          schema: z.object({
            node: z.record(z.string(), z.unknown()),
            fullText: z.string(),
            decision: DecisionSummarySchema.nullable(),
            rejectedChildren: z.array(NodeSummarySchema),
            alternatives: z
              .object({
                ranking: z.array(z.string()).nullable(),
                candidateScores: z.record(z.string(), z.record(z.string(), z.number())),
                candidates: z.array(NodeSummarySchema.extend({ scores: z.record(z.string(), z.number()) })),
              })
              .nullable()
              .describe("Every candidate of the decision that offered this node, with the ranking and scores it got."),
          }),
        },
        ...errors,
      },
      handle: async (ctx) => {
        const live = await ctx.hub.get(ctx.params.id!);
        const loom = live.driver.loom;
        // Own properties only: a node id such as "constructor" is an unknown node, not Object's.
        const node = Object.hasOwn(loom.nodes, ctx.params.nodeId!) ? loom.nodes[ctx.params.nodeId!] : undefined;
        if (!node) throw new HttpError(404, "unknown_node", `no node "${ctx.params.nodeId}" in session "${live.id}"`);
        const decision =
          node.decisionId && Object.hasOwn(loom.decisions, node.decisionId)
            ? loom.decisions[node.decisionId]
            : undefined;
        return {
          status: 200,
          body: {
            node,
            fullText: nodeText(loom, node.id),
            decision: decision ? decisionSummary(decision) : null,
            rejectedChildren: rejectedAt(loom, node.id).map(nodeSummary),
            alternatives: decision
              ? {
                  ranking: decision.ranking,
                  candidateScores: decision.candidateScores,
                  candidates: decision.candidateNodeIds.flatMap((id) => {
                    const c = loom.nodes[id];
                    return c ? [{ ...nodeSummary(c), scores: c.scores }] : [];
                  }),
                }
              : null,
          },
        };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/generate",
      operationId: "generate",
      summary:
        "Candidates at the tip: opens a decision, or presents the open one again (reroll: true adds more to it).",
      body: GenerateBodySchema,
      responses: {
        200: { description: "Done; read the session or the events.", schema: StateReplySchema },
        ...errors,
        409: {
          description:
            "The tip moved while the model worked (another client wrote or checked out; nothing was added), a question waits for an answer, or a selector is running.",
          schema: ErrorBodySchema,
        },
      },
      handle: (ctx) =>
        mutate(ctx, (live) =>
          live.exclusive(() =>
            live.driver.generate({
              ...(ctx.body.n ? { n: ctx.body.n } : {}),
              ...(ctx.body.reroll ? { reroll: true } : {}),
              signal: abortOnClose(ctx),
            }),
          ),
        ),
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/reroll",
      operationId: "reroll",
      summary: "More candidates for the open decision at the tip.",
      body: RerollBodySchema,
      responses: { 200: { description: "Done.", schema: StateReplySchema }, ...errors, ...conflict },
      handle: (ctx) =>
        mutate(ctx, (live) =>
          live.exclusive(() =>
            live.driver.generate({ ...(ctx.body.n ? { n: ctx.body.n } : {}), reroll: true, signal: abortOnClose(ctx) }),
          ),
        ),
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/choose",
      operationId: "choose",
      summary: "Choose a candidate of an open decision. Exactly one decision per step: a second one gets 409.",
      body: ChooseBodySchema,
      responses: { 200: { description: "Chosen.", schema: StateReplySchema }, ...errors, ...conflict },
      handle: (ctx) =>
        mutate(ctx, async (live) => {
          const { decisionId, nodeId } = ctx.body;
          const node = Object.hasOwn(live.driver.loom.nodes, nodeId) ? live.driver.loom.nodes[nodeId] : undefined;
          if (!node) throw new HttpError(404, "unknown_node", `no node "${nodeId}" in session "${live.id}"`);
          if (node.decisionId !== decisionId) {
            throw new HttpError(
              400,
              "not_a_candidate",
              `node "${nodeId}" is not a candidate of decision "${decisionId}"`,
              { field: "nodeId" },
            );
          }
          // The open check itself is the core's: it throws decision_not_open (409) for the loser of a race.
          await live.driver.choose(nodeId, ctx.body.reason ?? "chosen on the web page");
        }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/stop",
      operationId: "stop",
      summary: "Stop the session: the piece is done (recorded on the decision open at the tip).",
      body: StopBodySchema,
      responses: {
        200: { description: "Stopped.", schema: StateReplySchema },
        ...errors,
        409: {
          description:
            "No open decision at the tip to stop, already stopped, or the decision was taken by someone else.",
          schema: ErrorBodySchema,
        },
      },
      handle: (ctx) =>
        mutate(ctx, async (live) => {
          if (ctx.body.decisionId) requireOpenDecision(live, ctx.body.decisionId);
          else requireSomethingToStop(live);
          await live.driver.stop(ctx.body.reason ?? "stopped on the web page");
        }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/write",
      operationId: "write",
      summary: "Write your own continuation at the tip.",
      body: WriteBodySchema,
      responses: { 200: { description: "Written.", schema: StateReplySchema }, ...errors, ...conflict },
      handle: (ctx) => mutate(ctx, (live) => live.driver.write(ctx.body.text)),
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/checkout",
      operationId: "checkout",
      summary: "Make a node's root path the current path.",
      body: CheckoutBodySchema,
      responses: { 200: { description: "Checked out.", schema: StateReplySchema }, ...errors },
      handle: (ctx) => mutate(ctx, (live) => live.driver.checkout(ctx.body.nodeId)),
    }),
    defineRoute({
      method: "PUT",
      path: "/api/sessions/:id/brief",
      operationId: "putBrief",
      summary:
        "Replace the brief (fields left out become empty). Journaled as a new brief version: decisions from now on record it, and selectors read it from their next decision, also during a run.",
      body: PutBriefBodySchema,
      responses: { 200: { description: "Saved (or unchanged).", schema: BriefReplySchema }, ...errors },
      handle: async (ctx) => {
        let changed: string[] = [];
        const reply = await mutate(
          ctx,
          async (live) => {
            changed = await live.driver.setBrief(BriefSchema.parse(ctx.body));
          },
          true,
        );
        const live = await ctx.hub.get(ctx.params.id!);
        return { status: 200, body: { ...reply.body, briefVersion: live.driver.loom.briefVersion, changed } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/clarifications/:decisionId/answer",
      operationId: "answerClarification",
      summary: "Answer a selector's clarification question, choosing a candidate (or stopping).",
      body: AnswerClarificationBodySchema,
      responses: { 200: { description: "Answered.", schema: StateReplySchema }, ...errors, ...conflict },
      handle: (ctx) =>
        mutate(
          ctx,
          (live) => {
            const b = ctx.body;
            const reason = b.reason ?? `answer: ${b.answer}`;
            return live.driver.answerClarification(
              ctx.params.decisionId!,
              b.answer,
              b.action === "choose"
                ? {
                    action: "choose",
                    chosenNodeId: b.nodeId!,
                    chosenBy: "human",
                    reason,
                    ranking: null,
                    candidateScores: {},
                  }
                : { action: "stop", chosenBy: "human", reason },
            );
          },
          true,
        ),
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/run",
      operationId: "run",
      summary: "Let the session's configured selector (stateless or agentic) drive it server-side; watch the events.",
      body: RunBodySchema,
      responses: {
        202: { description: "Started.", schema: StateReplySchema },
        ...errors,
        409: { description: "Already running, or no selector configured.", schema: ErrorBodySchema },
      },
      handle: async (ctx) => {
        const live = await ctx.hub.get(ctx.params.id!);
        if (!live.driver.canRun) {
          const why = live.driver.whyNoRun ?? `its selector mode is "${live.driver.loom.config.selector.mode}"`;
          throw new HttpError(409, "no_selector", `session "${live.id}" has no server-side selector (${why})`);
        }
        if (live.running) throw new HttpError(409, "session_running", `session "${live.id}" is already running`);
        live.startRun(ctx.body.maxSteps, (error) => {
          ctx.deps.log(`run of session ${live.id} failed: ${(error as Error).message}`);
          live.publish({ type: "failure", where: "run", message: scrub((error as Error).message, ctx.deps.secrets) });
        });
        return { ...ok(live), status: 202 };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/budget",
      operationId: "setBudget",
      summary: "Change the session's token budget (maxTokensTotal), e.g. to go on after a run stopped at it.",
      body: BudgetBodySchema,
      responses: {
        200: { description: "Changed.", schema: StateReplySchema },
        ...errors,
        409: { description: "A selector is running the session.", schema: ErrorBodySchema },
      },
      handle: (ctx) => mutate(ctx, (live) => live.driver.setBudget(ctx.body.maxTokensTotal)),
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/run/cancel",
      operationId: "cancelRun",
      summary: "Stop a server-side run after its current step.",
      responses: {
        200: {
          description: "Cancelled (or nothing was running).",
          schema: z.object({ ok: z.literal(true), cancelled: z.boolean() }),
        },
        ...errors,
      },
      handle: async (ctx) => {
        const live = await ctx.hub.get(ctx.params.id!);
        return { status: 200, body: { ok: true, cancelled: live.cancelRun() } };
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/sessions/:id/events",
      operationId: "events",
      summary:
        "Server-sent events: the orchestrator's events for this session (event name = type, id = sequence; Last-Event-ID resumes). `candidates` and `decision` events carry `decision`, the decision record as GET returns it.",
      responses: { 200: { description: "An event stream.", contentType: "text/event-stream" }, ...errors },
      handle: async (ctx) => {
        const live = await ctx.hub.get(ctx.params.id!);
        const last = Number(ctx.req.headers["last-event-id"] ?? ctx.url.searchParams.get("lastEventId") ?? NaN);
        const stream = new SseStream(ctx.res);
        live.subscribe(stream, Number.isFinite(last) ? last : null);
        return null;
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/sessions/:id/export",
      operationId: "exportSession",
      summary:
        "The whole session as @loom/io exports it: JSON (the loom), Markdown (text and branches), Graphviz DOT, or the plain text.",
      query: ExportQuerySchema,
      responses: {
        200: {
          description: "The export.",
          contentType: "application/json, text/markdown, text/vnd.graphviz or text/plain",
        },
        ...errors,
      },
      handle: async (ctx) => {
        const live = await ctx.hub.get(ctx.params.id!);
        const loom = live.driver.loom;
        const disposition = (ext: string) => ({ "content-disposition": `inline; filename="${live.id}.${ext}"` });
        // The formats are @loom/io's, so a page download and `loom export` give the same file.
        const formats = {
          json: async () => ({
            body: await exportJson(loom, { purge: ctx.query.purge === "1" || ctx.query.purge === "true" }),
            type: "application/json",
          }),
          md: () => ({ body: exportMarkdown(loom, { branches: true, decisions: true }), type: "text/markdown" }),
          dot: () => ({ body: exportDot(loom), type: "text/vnd.graphviz" }),
          txt: () => ({ body: currentText(loom), type: "text/plain" }),
        } as const;
        const { body, type } = await formats[ctx.query.format]();
        return {
          status: 200,
          raw: body,
          headers: { "content-type": `${type}; charset=utf-8`, ...disposition(ctx.query.format) },
        };
      },
    }),
  ];
  return routes;
}

/** A read of the session as JSON, built once per version and key; 304 when the client holds this version's ETag. */
function cachedJson(ctx: ApiContext, live: LiveSession, key: string, build: () => unknown): ApiReply {
  const etag = `W/"${live.version}-${key}"`;
  if (etagMatches(ctx.req.headers["if-none-match"], etag)) return { status: 304, raw: "", headers: { etag } };
  const raw = live.cachedPage(key, () => JSON.stringify(build()));
  return { status: 200, raw, headers: { etag, "content-type": "application/json; charset=utf-8" } };
}

/** If-None-Match as RFC 9110 §13.1.2 reads it: `*`, or a list of tags compared weakly (W/ ignored). */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (t: string) => t.trim().replace(/^W\//, "");
  return header.split(",").some((t) => t.trim() === "*" || bare(t) === bare(etag));
}

/** An AbortSignal that fires when the client goes away, so a model call for nobody is cut short. */
function abortOnClose(ctx: ApiContext): AbortSignal {
  const controller = new AbortController();
  ctx.res.on("close", () => {
    if (!ctx.res.writableFinished) controller.abort(new Error("client closed the request"));
  });
  return controller.signal;
}
