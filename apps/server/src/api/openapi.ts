// Builds the OpenAPI 3.1 document from the route table, so the schemas that validate requests are the ones documented.
import { z } from "zod";
import type { ApiRoute } from "./api-route.js";

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
  return Object.entries(props).map(([name, s]) => ({ name, in: "query", required: required.has(name), schema: s }));
}

function pathParameters(path: string): Json[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
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
        Object.entries(route.responses).map(([status, doc]) => [
          status,
          {
            description: doc.description,
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
    paths,
  };
}
