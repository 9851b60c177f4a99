// POST /api/sessions/import: a file of any loom tool @loom/io reads (sent as its text, or a binary one as base64),
// made into new sessions.
import { basename } from "node:path";
import { SessionConfigSchema } from "@loom/core";
import { IMPORT_FORMAT_NAMES, importBytes, importText, IoError } from "@loom/io";
import { z } from "zod";
import { HttpError } from "../http/http-error.js";
import { defineRoute } from "./api-route.js";
import { ErrorBodySchema } from "./schemas.js";
import { applySessionPolicy } from "./session-policy.js";

export const ImportBodySchema = z
  .object({
    /** The file's text (the page reads the upload; the server accepts only JSON bodies). */
    text: z.string().optional(),
    /**
     * A binary file's bytes (a Tapestry Loom .tapestry weave) as standard base64, instead of `text`. It counts
     * against maxImportBytes at its base64 size (4/3 of the file).
     */
    base64: z
      .string()
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, "standard base64")
      .optional(),
    /** The uploaded file's name, for messages. */
    fileName: z.string().min(1).max(255),
    /** Read as this format instead of detecting it. */
    format: z.enum(IMPORT_FORMAT_NAMES as [string, ...string[]]).optional(),
    /** Loomsidian: only this note. */
    note: z.string().min(1).max(1000).optional(),
  })
  .strict()
  .refine((b) => (b.text === undefined) !== (b.base64 === undefined), {
    message: "send the file as text (a JSON file) or as base64 (a binary .tapestry), exactly one",
    path: ["text"],
  });

export const ImportResultSchema = z.object({
  format: z.string().describe("The format found (or named)."),
  sessions: z.array(
    z.object({
      id: z.string(),
      note: z.string().optional(),
      nodes: z.number(),
      warnings: z.array(z.string()).describe("What the import could not map, and where it kept it."),
    }),
  ),
});

export function importRoute() {
  return defineRoute({
    method: "POST",
    path: "/api/sessions/import",
    operationId: "importSessions",
    summary:
      "Import another loom tool's file (PyLoom, Loomsidian data.json, MiniLoom, Tapestry Loom weave — JSON, or the binary .tapestry sent as base64 —, Exoloom, or a Loom JSON export) as new sessions: one, or one per Loomsidian note.",
    body: ImportBodySchema,
    carriesFile: true,
    responses: {
      201: { description: "The new sessions.", schema: ImportResultSchema },
      400: { description: "Not a file Loom reads, or a damaged one: names the field.", schema: ErrorBodySchema },
      409: { description: "A session with the imported id exists.", schema: ErrorBodySchema },
      413: { description: "The file is larger than the server's maxImportBytes.", schema: ErrorBodySchema },
    },
    handle: async (ctx) => {
      const { text, base64, fileName, format, note } = ctx.body;
      const name = basename(fileName);
      const options = {
        ...(format !== undefined ? { format: format as (typeof IMPORT_FORMAT_NAMES)[number] } : {}),
        ...(note !== undefined ? { note } : {}),
      };
      let read: ReturnType<typeof importText>;
      try {
        read =
          base64 !== undefined
            ? importBytes(Buffer.from(base64, "base64"), name, options)
            : importText(text ?? "", name, options);
      } catch (error) {
        if (IoError.isInstance(error))
          throw new HttpError(400, "bad_import", error.message, { field: error.field ?? (base64 ? "base64" : "text") });
        throw error;
      }
      // The server's own settings, never the file's: a file (a Loom export) could name providers, base URLs or
      // model files, and those are the server's to choose.
      const config = await applySessionPolicy(SessionConfigSchema.parse(ctx.deps.defaultConfig), {}, ctx.deps.policy);
      const sessions = [];
      for (const r of read) {
        const live = await ctx.hub.create({ ...r.loom, config });
        sessions.push({
          id: live.id,
          ...(r.note !== undefined ? { note: r.note } : {}),
          nodes: Object.keys(r.loom.nodes).length,
          warnings: r.warnings,
        });
      }
      return { status: 201, body: { format: read[0]!.format, sessions } };
    },
  });
}
