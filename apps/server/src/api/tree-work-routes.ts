// The writer's tree work over HTTP: edit, split, branch at a token, merge, prune, move, bookmarks, tags, undo/redo, and search. Each change is one journaled core op.
import { applyTreeWork, LoomError, searchLoom, type TreeWork } from "@loom/core";
import { HttpError } from "../http/http-error.js";
import { z } from "zod";
import type { LiveSession } from "../sessions/live-session.js";
import { type ApiContext, type ApiReply, defineRoute } from "./api-route.js";
import { ErrorBodySchema, SearchReply } from "./schemas.js";

/** How routes.ts runs a human action on a session (refused while a selector runs it) and replies with its state. */
export type Mutate = (ctx: ApiContext, work: (live: LiveSession) => Promise<void>) => Promise<ApiReply>;

const errors = {
  400: { description: "A bad body or an op that does not fit (the message says why).", schema: ErrorBodySchema },
  404: { description: "No such session or node.", schema: ErrorBodySchema },
  409: {
    description: "A selector is running the session, or undo/redo has nothing it may take back.",
    schema: ErrorBodySchema,
  },
} as const;

export const StateReply = z.object({ ok: z.literal(true), version: z.number().int(), tip: z.string() }).passthrough();
const BranchReply = StateReply.extend({ nodeId: z.string() });

const EditBody = z.object({ text: z.string().max(100_000) }).strict();
const SplitBody = z.object({ offset: z.number().int().min(1).max(10_000_000) }).strict();
const EmptyBody = z.object({}).strict();
const BranchBody = z
  .object({
    tokenIndex: z.number().int().min(0).max(1_000_000),
    alternative: z.number().int().min(0).max(1_000).optional(),
    text: z.string().min(1).max(100_000).optional(),
  })
  .strict()
  .refine((b) => (b.alternative === undefined) !== (b.text === undefined), {
    path: ["alternative"],
    message: "give either alternative (the index of one of the token's listed alternatives) or text, not both",
  });
type BranchBody = z.infer<typeof BranchBody>;
const PruneBody = z.object({ restore: z.boolean().default(false) }).strict();
const MoveBody = z.object({ parentId: z.string().min(1).max(200) }).strict();
const BookmarkBody = z.object({ on: z.boolean().default(true) }).strict();
const TagBody = z.object({ tag: z.string().trim().min(1).max(100), on: z.boolean().default(true) }).strict();
const SearchQuery = z
  .object({
    q: z.string().min(1).max(1000),
    all: z.enum(["0", "1", "true", "false"]).optional(),
    paths: z.enum(["0", "1", "true", "false"]).optional(),
    limit: z
      .string()
      .regex(/^\d+$/, "expected a positive integer")
      .transform(Number)
      .pipe(z.number().int().min(1).max(10_000))
      .optional(),
  })
  .strict();

/** The tree work a route's node and body ask for (core's applyTreeWork turns it into the op). */
type Build<B> = (nodeId: string, body: B) => TreeWork;

/** One POST /api/sessions/:id/nodes/:nodeId/<action> route. */
function nodeAction<B extends z.ZodType>(
  mutate: Mutate,
  action: string,
  summary: string,
  body: B,
  build: Build<z.infer<B>>,
) {
  return defineRoute({
    method: "POST",
    path: `/api/sessions/:id/nodes/:nodeId/${action}`,
    operationId: `${action}Node`,
    summary,
    body,
    responses: { 200: { description: "Done; the session's state after it.", schema: StateReply }, ...errors },
    handle: (ctx) =>
      mutate(ctx, (live) => {
        const work = build(ctx.params.nodeId!, ctx.body as z.infer<B>);
        return live.driver.reshape((loom) => applyTreeWork(loom, work));
      }),
  });
}

/**
 * POST /nodes/:nodeId/branch: a sibling of the node made of its tokens before `tokenIndex` and the chosen
 * alternative (or `text`), chosen by the human. A token or alternative the node does not have is a 400 naming
 * the field; the reply's `nodeId` (also the new tip) is the branch.
 */
function branchRoute(mutate: Mutate) {
  return defineRoute({
    method: "POST",
    path: "/api/sessions/:id/nodes/:nodeId/branch",
    operationId: "branchNode",
    summary:
      "Branch inside a candidate at a token: a sibling made of its tokens before `tokenIndex` and the model's `alternative` there (an index into the token's top alternatives) or your `text`; recorded as the human's choice, and the path follows it.",
    body: BranchBody,
    responses: {
      200: { description: "Branched; `nodeId` is the new node (the tip).", schema: BranchReply },
      ...errors,
    },
    handle: async (ctx) => {
      const b = ctx.body as BranchBody;
      const nodeId = ctx.params.nodeId!;
      let made: string | null = null;
      const reply = (await mutate(ctx, (live) =>
        live.driver.reshape((loom) => {
          const work: TreeWork =
            b.text !== undefined
              ? { action: "branch", nodeId, tokenIndex: b.tokenIndex, text: b.text }
              : { action: "branch", nodeId, tokenIndex: b.tokenIndex, alternative: b.alternative! };
          try {
            const r = applyTreeWork(loom, work);
            made = r.madeNodeId;
            return r;
          } catch (error) {
            throw misfitField(error, loom.nodes[nodeId]?.tokens?.length ?? 0, b);
          }
        }),
      )) as { body: object };
      return { status: 200, body: { ...reply.body, nodeId: made } };
    },
  });
}

/** A branch core refused (a token or alternative the node lacks) as a 400 naming the body field to fix. */
function misfitField(error: unknown, tokenCount: number, b: BranchBody): unknown {
  if (!LoomError.isInstance(error) || error.code !== "invalid_operation") return error;
  const field = b.tokenIndex >= tokenCount ? "tokenIndex" : b.text !== undefined ? "text" : "alternative";
  return new HttpError(400, "invalid_operation", error.message, { field });
}

export function treeWorkRoutes(mutate: Mutate) {
  return [
    branchRoute(mutate),
    nodeAction(
      mutate,
      "edit",
      "Rewrite a node's text: a new version beside it (the original stays in the record); the path follows it.",
      EditBody,
      (nodeId, b) => ({ action: "edit", nodeId, text: b.text }),
    ),
    nodeAction(
      mutate,
      "split",
      "Split a node at a character offset: it keeps the text before, a new child gets the rest.",
      SplitBody,
      (nodeId, b) => ({ action: "split", nodeId, offset: b.offset }),
    ),
    nodeAction(
      mutate,
      "merge",
      "Merge a node with its single child (one made by a split or an edit).",
      EmptyBody,
      (nodeId) => ({ action: "merge", nodeId }),
    ),
    nodeAction(
      mutate,
      "prune",
      "Hide the subtree under a node from views and exports (kept in the record), or show it again with restore.",
      PruneBody,
      (nodeId, b) => ({ action: "prune", nodeId, restore: b.restore }),
    ),
    nodeAction(
      mutate,
      "move",
      "Move the subtree under a node to another parent (refused if it makes a cycle).",
      MoveBody,
      (nodeId, b) => ({ action: "move", nodeId, parentId: b.parentId }),
    ),
    nodeAction(mutate, "bookmark", "Bookmark a node (on: false removes the bookmark).", BookmarkBody, (nodeId, b) => ({
      action: "bookmark",
      nodeId,
      on: b.on,
    })),
    nodeAction(mutate, "tag", "Tag a node (on: false removes the tag).", TagBody, (nodeId, b) => ({
      action: "tag",
      nodeId,
      tag: b.tag,
      on: b.on,
    })),
    ...(["undo", "redo"] as const).map((which) =>
      defineRoute({
        method: "POST",
        path: `/api/sessions/:id/${which}`,
        operationId: which,
        summary:
          which === "undo"
            ? "Take back the writer's last change (choose, write, checkout, edit, split, merge, prune, move, marks)."
            : "Put back the last change undone.",
        body: EmptyBody,
        responses: { 200: { description: "Done; the session's state after it.", schema: StateReply }, ...errors },
        handle: (ctx) => mutate(ctx, (live) => live.driver.reshape((loom) => applyTreeWork(loom, { action: which }))),
      }),
    ),
    defineRoute({
      method: "GET",
      path: "/api/sessions/:id/search",
      operationId: "search",
      summary:
        "Nodes whose text, selection reason or tags hold `q` (case-insensitive), each with its path from the root.",
      query: SearchQuery,
      responses: { 200: { description: "The hits, in the loom's order.", schema: SearchReply }, ...errors },
      handle: async (ctx): Promise<ApiReply> => {
        const live = await ctx.hub.get(ctx.params.id!);
        const includePruned = ctx.query.all === "1" || ctx.query.all === "true";

        const yes = (v: string | undefined) => v === "1" || v === "true";
        const hits = searchLoom(live.driver.loom, ctx.query.q, {
          includePruned,
          paths: yes(ctx.query.paths),
          ...(ctx.query.limit ? { limit: ctx.query.limit } : {}),
        });
        return { status: 200, body: { hits } };
      },
    }),
  ];
}
