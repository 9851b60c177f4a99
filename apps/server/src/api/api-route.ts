// The shape of one API route: its schemas (used both to validate and to write the OpenAPI document) and its handler.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import type { SessionHub } from "../sessions/session-hub.js";
import type { ServerDeps } from "./server-deps.js";

export interface ApiContext<B = unknown, Q = unknown> {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  body: B;
  /** The body as sent (before zod filled defaults), for merging over server defaults. */
  rawBody: unknown;
  query: Q;
  hub: SessionHub;
  deps: ServerDeps;
}

/** A JSON reply, or `null` when the handler wrote the response itself (SSE, plain text). */
export type ApiReply =
  | { status: number; body: unknown; headers?: Record<string, string> }
  | { status: number; raw: string; headers?: Record<string, string> }
  | null;

export interface ApiResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  /** Response headers worth documenting (OpenAPI header objects). */
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

export interface ApiRoute<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: "GET" | "POST" | "PUT";
  path: string;
  operationId: string;
  summary: string;
  body?: B;
  /** The body carries a whole file (an import): read up to `maxImportBytes` rather than `maxBodyBytes`. */
  carriesFile?: boolean;
  query?: Q;
  responses: Record<number, ApiResponseDoc>;
  handle(ctx: ApiContext<z.infer<B>, z.infer<Q>>): Promise<ApiReply>;
}

/** Keeps each route's body and query types tied to its schemas. */
export function defineRoute<B extends z.ZodType, Q extends z.ZodType>(route: ApiRoute<B, Q>): ApiRoute {
  return route as unknown as ApiRoute;
}
