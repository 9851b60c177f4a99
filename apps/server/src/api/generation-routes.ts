// The session's generation settings a writer changes as they go (sampling controls, memory, author's note), read and saved as one journaled config change.
import { BUILT_IN_PRESETS, GeneratorConfigSchema, applyPreset, configure, findPreset } from "@loom/core";
import { HttpError } from "../http/http-error.js";
import { z } from "zod";
import { defineRoute } from "./api-route.js";
import { ErrorBodySchema } from "./schemas.js";
import type { Mutate } from "./tree-work-routes.js";
import { StateReply } from "./tree-work-routes.js";

/**
 * What a client may change. Provider, model and base URL stay the server's choice; everything here only
 * shapes what is asked of the generator the session already has.
 */
const EDITABLE = {
  temperature: true,
  topP: true,
  segmentTokens: true,
  branchingFactor: true,
  stop: true,
  topK: true,
  minP: true,
  logitBias: true,
  extraBody: true,
  memory: true,
  authorsNote: true,
  authorsNoteDepth: true,
  subtreeNotes: true,
} as const;

const shape = GeneratorConfigSchema.pick(EDITABLE).shape;
/** Every editable setting, each optional and without a default: a field left out is left as it is. */
export const GenerationSettingsBodySchema = z
  .object({
    ...Object.fromEntries(
      Object.entries(shape).map(([k, s]) => [k, (s as z.ZodDefault<z.ZodType>).unwrap().optional()]),
    ),
    preset: z
      .string()
      .max(64)
      .optional()
      .describe("Apply this preset first (built-in, the session's or the server's); the other fields go on top."),
  })
  .strict();
export const GenerationSettingsSchema = GeneratorConfigSchema.pick(EDITABLE).extend({
  presets: z.array(z.string()).describe("The presets this session can apply by name."),
});

const errors = {
  400: { description: "A bad value or an unknown preset; `error.field` names it.", schema: ErrorBodySchema },
  404: { description: "No such session.", schema: ErrorBodySchema },
  409: { description: "A selector is running the session.", schema: ErrorBodySchema },
} as const;

const settingsOf = (generator: z.infer<typeof GeneratorConfigSchema>) =>
  Object.fromEntries(Object.keys(EDITABLE).map((k) => [k, generator[k as keyof typeof EDITABLE]]));

export function generationRoutes(mutate: Mutate) {
  return [
    defineRoute({
      method: "GET",
      path: "/api/sessions/:id/generation",
      operationId: "getGenerationSettings",
      summary: "The session's sampling settings, stop sequences, sampling controls, memory and author's note.",
      responses: { 200: { description: "The settings.", schema: GenerationSettingsSchema }, ...errors },
      handle: async (ctx) => {
        const live = await ctx.hub.get(ctx.params.id!);
        const config = live.driver.loom.config;
        const presets = [
          ...Object.keys(BUILT_IN_PRESETS),
          ...Object.keys(config.presets),
          ...Object.keys(ctx.deps.presets),
        ];
        return { status: 200, body: { ...settingsOf(config.generator), presets: [...new Set(presets)] } };
      },
    }),
    defineRoute({
      method: "PUT",
      path: "/api/sessions/:id/generation",
      operationId: "putGenerationSettings",
      summary:
        "Change some of those settings (fields left out stay); journaled as a config change, used from the next generation on. A control the session's generator cannot honour is refused when it generates.",
      body: GenerationSettingsBodySchema,
      responses: { 200: { description: "Saved; the session's state after it.", schema: StateReply }, ...errors },
      handle: async (ctx) => {
        const { preset: name, ...settings } = ctx.body;
        return mutate(ctx, (live) =>
          live.driver.reshape((loom) => {
            let config = loom.config;
            if (name !== undefined) {
              const found = findPreset(name, { session: config.presets, user: ctx.deps.presets });
              if (!found)
                throw new HttpError(400, "invalid_body", `no preset "${name}" for this session`, { field: "preset" });
              config = applyPreset(config, found.preset);
            }
            // A subtree note belongs to a node of this session: one naming no node would never apply.
            for (const nodeId of Object.keys(
              (settings as { subtreeNotes?: Record<string, string> }).subtreeNotes ?? {},
            ))
              if (loom.nodes[nodeId] === undefined)
                throw new HttpError(400, "invalid_body", `no node "${nodeId}" in this session for a subtree note`, {
                  field: `subtreeNotes.${nodeId}`,
                });
            return configure(loom, { ...config, generator: { ...config.generator, ...settings } });
          }),
        );
      },
    }),
  ];
}
