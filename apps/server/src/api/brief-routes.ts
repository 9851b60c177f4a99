// The brief as the page's brief field reads it, and the human's yes or no to a brief change the agent proposed during a run.
import { BriefSchema } from "@loom/core";
import { z } from "zod";
import { HttpError } from "../http/http-error.js";
import { defineRoute } from "./api-route.js";
import { ErrorBodySchema } from "./schemas.js";

const PendingBriefChangeSchema = z.object({
  changed: z.array(z.string()).describe("The fields the agent would change."),
  proposed: BriefSchema.describe("The whole brief as it would be after the change."),
  reason: z.string(),
});

export const BriefStateSchema = z.object({
  brief: BriefSchema,
  briefVersion: z.number().int(),
  pendingChange: PendingBriefChangeSchema.nullable().describe(
    "A change the running agent proposed (update_brief), waiting for the human's approval.",
  ),
});

export const BriefApprovalBodySchema = z
  .object({
    approved: z.boolean(),
    note: z.string().max(2000).optional().describe("Said back to the agent: why not, or what to keep in mind."),
  })
  .strict();

const errors = {
  400: { description: "A bad body; `error.field` names the field.", schema: ErrorBodySchema },
  404: { description: "No such session.", schema: ErrorBodySchema },
} as const;

export function briefRoutes() {
  return [
    defineRoute({
      method: "GET",
      path: "/api/sessions/:id/brief",
      operationId: "getBrief",
      summary: "The session's brief, its version, and a brief change the agent proposed that waits for approval.",
      responses: { 200: { description: "The brief.", schema: BriefStateSchema }, ...errors },
      handle: async (ctx) => {
        const live = await ctx.hub.get(ctx.params.id!);
        const loom = live.driver.loom;
        const pendingChange = live.driver.pendingBriefChange ?? null;
        return { status: 200, body: { brief: loom.brief, briefVersion: loom.briefVersion, pendingChange } };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/sessions/:id/brief/approval",
      operationId: "approveBriefChange",
      summary:
        "Approve or refuse the brief change the running agent proposed; approved, it becomes the next brief version.",
      body: BriefApprovalBodySchema,
      responses: {
        200: { description: "Answered; the reply is the brief after it.", schema: BriefStateSchema },
        ...errors,
        409: { description: "No brief change waits for approval.", schema: ErrorBodySchema },
      },
      handle: async (ctx) => {
        const live = await ctx.hub.get(ctx.params.id!);
        const { approved, note } = ctx.body;
        if (!live.driver.answerBriefChange?.({ approved, ...(note ? { note } : {}) }))
          throw new HttpError(409, "no_brief_change", `no brief change waits for approval in session "${live.id}"`);
        // The orchestrator applies an approved change as soon as the answer arrives; let it write first.
        await new Promise((resolve) => setImmediate(resolve));
        live.touch();
        const loom = live.driver.loom;
        return {
          status: 200,
          body: { brief: loom.brief, briefVersion: loom.briefVersion, pendingChange: null },
        };
      },
    }),
  ];
}
