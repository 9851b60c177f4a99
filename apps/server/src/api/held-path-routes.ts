// Held paths over HTTP: list them, hold a path, release one, and switch to one (the path left is held). Each change is one journaled core op.
import { applyTreeWork, currentTip, getNode, heldPathRows, heldTip, type Loom, pathTokenCount } from "@loom/core";
import { z } from "zod";
import { HttpError } from "../http/http-error.js";
import { type ApiReply, defineRoute } from "./api-route.js";
import { ErrorBodySchema, HeldPathSchema } from "./schemas.js";
import { type Mutate, StateReply } from "./tree-work-routes.js";

const errors = {
  400: { description: "A bad body (the message names the field).", schema: ErrorBodySchema },
  404: { description: "No such session, node or held path.", schema: ErrorBodySchema },
  409: {
    description: "A selector is running the session, or the path is already held / already current.",
    schema: ErrorBodySchema,
  },
} as const;

const NodeRef = z.string().min(1).max(200);
const HoldBody = z
  .object({ nodeId: NodeRef.optional().describe("The tip of the path to hold (default: the current tip).") })
  .strict();
const ReleaseBody = z.object({ held: NodeRef.describe("h1, h2… or the held path's tip id.") }).strict();
const SwitchBody = z.object({ to: NodeRef.describe("A held path (h1, h2… or its tip id) or any node id.") }).strict();
const PathsReply = z.object({
  current: z.object({ tipId: z.string(), depth: z.number().int(), tokens: z.number().int() }),
  held: z.array(HeldPathSchema),
});

/** The tip a held-path reference names; 404 naming the field when it names none. */
function heldOrNotFound(loom: Loom, ref: string, field: string): string | null {
  try {
    return heldTip(loom, ref);
  } catch (error) {
    throw new HttpError(404, "unknown_held_path", (error as Error).message, { field });
  }
}

function nodeOrNotFound(loom: Loom, id: string, field: string): string {
  if (!Object.hasOwn(loom.nodes, id)) throw new HttpError(404, "unknown_node", `no node "${id}"`, { field });
  return getNode(loom, id).id;
}

export function heldPathRoutes(mutate: Mutate) {
  return [
    defineRoute({
      method: "GET",
      path: "/api/sessions/:id/paths",
      operationId: "listPaths",
      summary: "The current path and the held ones (h1, h2…), each with where it branches and how its text ends.",
      responses: { 200: { description: "The paths.", schema: PathsReply }, ...errors },
      handle: async (ctx): Promise<ApiReply> => {
        const loom = (await ctx.hub.get(ctx.params.id!)).driver.loom;
        const current = { tipId: currentTip(loom), depth: loom.currentPath.length - 1, tokens: pathTokenCount(loom) };
        return { status: 200, body: { current, held: heldPathRows(loom) } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/paths/hold",
      operationId: "holdPath",
      summary: "Hold a path to come back to: the current one, or the root path of `nodeId`.",
      body: HoldBody,
      responses: { 200: { description: "Held; the session's state after it.", schema: StateReply }, ...errors },
      handle: (ctx) =>
        mutate(ctx, (live) => {
          const loom = live.driver.loom;
          const tip =
            ctx.body.nodeId === undefined ? currentTip(loom) : nodeOrNotFound(loom, ctx.body.nodeId, "nodeId");
          if (heldTip(loom, tip))
            throw new HttpError(409, "already_held", `the path ending at "${tip}" is already held`);
          return live.driver.reshape((l) => applyTreeWork(l, { action: "hold", nodeId: tip })).then(() => undefined);
        }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/paths/release",
      operationId: "releasePath",
      summary: "Stop holding a path.",
      body: ReleaseBody,
      responses: { 200: { description: "Released; the session's state after it.", schema: StateReply }, ...errors },
      handle: (ctx) =>
        mutate(ctx, (live) => {
          const tip = heldOrNotFound(live.driver.loom, ctx.body.held, "held");
          if (!tip)
            throw new HttpError(404, "unknown_held_path", `"${ctx.body.held}" is not a held path`, { field: "held" });
          return live.driver.reshape((l) => applyTreeWork(l, { action: "release", nodeId: tip })).then(() => undefined);
        }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/paths/switch",
      operationId: "switchPath",
      summary:
        "Check out a held path (or any node): its text becomes the current text, and the path left is held in its place.",
      body: SwitchBody,
      responses: { 200: { description: "Switched; the session's state after it.", schema: StateReply }, ...errors },
      handle: (ctx) =>
        mutate(ctx, (live) => {
          const loom = live.driver.loom;
          const ref = ctx.body.to;
          const tip = /^h\d+$/.test(ref) ? heldOrNotFound(loom, ref, "to")! : nodeOrNotFound(loom, ref, "to");
          if (tip === currentTip(loom)) throw new HttpError(409, "already_current", `"${tip}" is already the tip`);
          return live.driver.reshape((l) => applyTreeWork(l, { action: "switch", nodeId: tip })).then(() => undefined);
        }),
    }),
  ];
}
