// Builds the OpenAPI 3.1 document from the route table, so the schemas that validate requests are the ones documented.
import { z } from "zod";
import type { ApiRoute } from "./api-route.js";
import { ErrorBodySchema } from "./schemas.js";

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Json;
  delete out.$schema;
  return out;
}

function queryParameters(schema: z.ZodType): Json[] {
  const js = jsonSchema(schema, "input");
  const props = (js.properties ?? {}) as Record<string, Json>;
  const required = new Set((js.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => {
    const { pattern: _pattern, ...schema } = s;
    return { name, in: "query", required: required.has(name), schema: s.type === "integer" ? schema : s };
  });
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
}

const error = (description: string) => ({ description, schema: ErrorBodySchema });

/** What any route can answer besides its own statuses: the server's checks that run before every handler. */
function commonResponses(route: ApiRoute): ApiRoute["responses"] {
  const post: ApiRoute["responses"] =
    route.method === "POST"
      ? {
          403: error("A state-changing request from a foreign Origin (allow it with --cors)."),
          413: error("The body is over the server's limit (1 MiB by default)."),
          415: error("The body is not application/json."),
        }
      : {};
  return {
    401: error("A token is required (servers beyond loopback, or started with --token) and was missing or wrong."),
    405: {
      description: "The path exists but not with this method; the `Allow` header lists the methods it takes.",
      schema: ErrorBodySchema,
      headers: { allow: { description: "The methods this path takes.", schema: { type: "string" } } },
    },
    421: error("The Host header names another server (a DNS-rebinding guard on loopback)."),
    500: error("A bug in the server; the message says what failed."),
    ...post,
  };
}

export function buildOpenApiDocument(routes: readonly ApiRoute[]): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const key = route.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const op: Json = {
      operationId: route.operationId,
      summary: route.summary,
      parameters: [...pathParameters(route.path), ...(route.query ? queryParameters(route.query) : [])],
      responses: Object.fromEntries(
        Object.entries({ ...commonResponses(route), ...route.responses }).map(([status, doc]) => [
          status,
          {
            description: doc.description,
            ...(doc.headers ? { headers: doc.headers } : {}),
            ...(doc.schema
              ? { content: { [doc.contentType ?? "application/json"]: { schema: jsonSchema(doc.schema, "output") } } }
              : {}),
          },
        ]),
      ),
    };
    if (route.body)
      op.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(route.body, "input") } } };
    (paths[key] ??= {})[route.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Loom server",
      version: "0.1.0",
      description:
        "Sessions over HTTP: generate candidates, decide, watch live events. Bound beyond loopback, every request needs `Authorization: Bearer <token>` (or ?token=).",
    },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    // Required beyond loopback or when the server has a token; `?token=` works too (EventSource sends no headers).
    security: [{ bearer: [] }, {}],
    paths,
  };
}
