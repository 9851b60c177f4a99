// Expand to depth over HTTP: a look-ahead's estimate (GET) and the look-ahead itself (POST), paid services only with `confirm`.
import type { LookAheadEstimate } from "@loom/orchestrator";
import { z } from "zod";
import { HttpError } from "../http/http-error.js";
import { type ApiReply, defineRoute } from "./api-route.js";
import { ErrorBodySchema } from "./schemas.js";
import { StateReply, type Mutate } from "./tree-work-routes.js";

const errors = {
  400: { description: "A depth or width out of range (`error.field` names it).", schema: ErrorBodySchema },
  404: { description: "No such session or node.", schema: ErrorBodySchema },
  409: {
    description:
      "A selector is running the session, or (code `confirm_cost`) the look-ahead calls a paid service and `confirm` was not sent.",
    schema: ErrorBodySchema,
  },
} as const;

const count = (max: number) =>
  z.string().regex(/^\d+$/, "expected a positive integer").transform(Number).pipe(z.number().int().min(1).max(max));
const EstimateQuery = z.object({ depth: count(32), width: count(64) }).strict();
const ExpandBody = z
  .object({
    depth: z.number().int().min(1).max(32),
    width: z.number().int().min(1).max(64),
    /** Required when the estimate is `paid`: the client showed the cost and the writer agreed. */
    confirm: z.boolean().default(false),
  })
  .strict();

const GeneratorEstimate = z.object({
  provider: z.string(),
  model: z.string(),
  hosted: z.boolean(),
  requests: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.number().nullable(),
});
const Estimate = z.object({
  nodeId: z.string(),
  depth: z.number().int(),
  width: z.number().int(),
  nodes: z.number().int(),
  calls: z.number().int(),
  requests: z.number().int(),
  inputTokens: z
    .number()
    .int()
    .describe("Estimated: the prompt at ~4 characters a token, a segment longer each level."),
  outputTokens: z.number().int().describe("At most: every candidate a full segment."),
  costUsd: z.number().nullable().describe("US$ from the server's prices; null when no generator is priced."),
  unpriced: z.array(z.string()).describe("Paid generators without a configured price (provider:model)."),
  paid: z.boolean().describe("A generator is a billed service or priced: POST needs `confirm: true`."),
  generators: z.array(GeneratorEstimate),
});
const EstimateReply = z.object({ estimate: Estimate });
const ExpandReply = StateReply.extend({
  nodeIds: z.array(z.string()).describe("Every node added, level by level."),
  decisionIds: z.array(z.string()),
  levels: z.number().int(),
  aborted: z.boolean(),
  estimate: Estimate,
});

/** The estimate in a sentence, for the 409 a client gets when it did not confirm a paid look-ahead. */
function costLine(e: LookAheadEstimate): string {
  const paid = e.generators.filter((g) => g.hosted || g.costUsd !== null).map((g) => `${g.provider}:${g.model}`);
  const cost = e.costUsd !== null ? `~$${e.costUsd.toFixed(4)}` : "cost unknown (no price configured)";
  return `this look-ahead calls a paid service (${paid.join(", ")}): ${e.nodes} nodes, ${e.requests} requests, ${cost}; send confirm: true to go ahead`;
}

export function lookAheadRoutes(mutate: Mutate) {
  return [
    defineRoute({
      method: "GET",
      path: "/api/sessions/:id/nodes/:nodeId/expand",
      operationId: "estimateExpansion",
      summary:
        "What a look-ahead below the node would cost before any call: nodes, generator calls, estimated tokens, and US$ where the server has a price.",
      query: EstimateQuery,
      responses: { 200: { description: "The estimate.", schema: EstimateReply }, ...errors },
      handle: async (ctx): Promise<ApiReply> => {
        const live = await ctx.hub.get(ctx.params.id!);
        const q = ctx.query as z.infer<typeof EstimateQuery>;
        return { status: 200, body: { estimate: live.driver.estimateExpansion(ctx.params.nodeId!, q) } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/nodes/:nodeId/expand",
      operationId: "expandNode",
      summary:
        "Expand to depth: `depth` levels of `width` candidates below the node (generators alongside add theirs), nothing chosen, the tip unchanged; each node's candidates are journaled and sent live as `expanded` events.",
      body: ExpandBody,
      responses: { 200: { description: "Expanded; the nodes it added.", schema: ExpandReply }, ...errors },
      handle: async (ctx): Promise<ApiReply> => {
        const b = ctx.body as z.infer<typeof ExpandBody>;
        const nodeId = ctx.params.nodeId!;
        let done: object = {};
        const reply = (await mutate(ctx, async (live) => {
          const shape = { depth: b.depth, width: b.width };
          const estimate = live.driver.estimateExpansion(nodeId, shape);
          if (estimate.paid && !b.confirm) throw new HttpError(409, "confirm_cost", costLine(estimate));
          done = { ...(await live.driver.expand(nodeId, shape)), estimate };
        })) as { body: object };
        return { status: 200, body: { ...reply.body, ...done } };
      },
    }),
  ];
}
