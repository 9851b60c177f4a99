// What a new session may be made of on this server (generators, selectors, presets, model files), and a brief file read into brief fields.
import { BUILT_IN_PRESETS } from "@loom/core";
import { SelectorModeSchema } from "@loom/core/internal";
import { IoError, parseBriefText, parseBriefToml } from "@loom/io";
import { basename } from "node:path";
import { z } from "zod";
import { HttpError } from "../http/http-error.js";
import { defineRoute } from "./api-route.js";
import { ErrorBodySchema } from "./schemas.js";

export const SessionOptionsSchema = z.object({
  presets: z.array(z.string()),
  generatorProviders: z.array(z.string()).describe("Generator providers this server offers."),
  selectorModes: z.array(z.string()),
  selectorProviders: z.array(z.string()).describe("Providers an LLM selector may use on this server."),
  modelFiles: z.array(z.string()).describe("GGUF files the local engine may load, by file name."),
  defaults: z.object({ generatorProvider: z.string(), branchingFactor: z.number(), segmentTokens: z.number() }),
  alongside: z
    .array(z.object({ provider: z.string(), model: z.string(), branchingFactor: z.number().int() }))
    .describe(
      "Generators the server runs alongside its own by default (their base URLs stay on the server); a new session may keep, change or drop them.",
    ),
});

export const ParseBriefBodySchema = z
  .object({
    text: z.string().max(1_000_000),
    /** The uploaded file's name: `.toml` is a structured brief, anything else free text (as `loom new --brief`). */
    fileName: z.string().max(255).optional(),
    format: z.enum(["toml", "text"]).optional(),
  })
  .strict();

export function sessionOptionsRoutes() {
  return [
    defineRoute({
      method: "GET",
      path: "/api/options",
      operationId: "sessionOptions",
      summary:
        "What a new session may choose on this server: presets, generator providers, selector modes and providers, model files.",
      responses: { 200: { description: "The choices.", schema: SessionOptionsSchema } },
      handle: async (ctx) => {
        const d = ctx.deps.defaultConfig as {
          generator?: {
            provider?: string;
            branchingFactor?: number;
            segmentTokens?: number;
            alongside?: { provider: string; model?: string; branchingFactor?: number }[];
          };
        };
        const body: z.infer<typeof SessionOptionsSchema> = {
          presets: [...Object.keys(BUILT_IN_PRESETS), ...Object.keys(ctx.deps.presets)],
          generatorProviders: [...ctx.deps.policy.generatorProviders],
          selectorModes: [...SelectorModeSchema.options],
          selectorProviders: [...ctx.deps.policy.selectorProviders],
          // By name only: the server's paths stay on the server.
          modelFiles: ctx.deps.policy.modelFiles.map((f) => basename(f)),
          defaults: {
            generatorProvider: d.generator?.provider ?? "local",
            branchingFactor: d.generator?.branchingFactor ?? 8,
            segmentTokens: d.generator?.segmentTokens ?? 6,
          },
          alongside: (d.generator?.alongside ?? []).map((a) => ({
            provider: a.provider,
            model: a.provider === "local" ? basename(a.model ?? "") : (a.model ?? ""),
            branchingFactor: a.branchingFactor ?? 2,
          })),
        };
        return { status: 200, body };
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/briefs/parse",
      operationId: "parseBrief",
      summary:
        "Read a brief file's text (TOML, or Markdown / plain text that becomes the notes) into brief fields, as `loom new --brief` does.",
      body: ParseBriefBodySchema,
      responses: {
        200: { description: "The brief.", schema: z.object({ brief: z.record(z.string(), z.unknown()) }) },
        400: { description: "Not a brief: names the line and field.", schema: ErrorBodySchema },
      },
      handle: async (ctx) => {
        const { text, fileName, format } = ctx.body;
        const name = basename(fileName ?? "brief");
        const toml = (format ?? (/\.toml$/i.test(name) ? "toml" : "text")) === "toml";
        try {
          return { status: 200, body: { brief: toml ? parseBriefToml(text, name) : parseBriefText(text) } };
        } catch (error) {
          if (IoError.isInstance(error) || error instanceof z.ZodError) {
            const e = error as IoError;
            const where = [e.line !== undefined ? `line ${e.line}` : null, e.field ?? null].filter(Boolean).join(", ");
            throw new HttpError(400, "bad_brief", `${name}${where ? ` (${where})` : ""}: ${(error as Error).message}`, {
              field: "text",
            });
          }
          throw error;
        }
      },
    }),
  ];
}
