// A small method + path router: patterns like /api/sessions/:id, matched segment by segment.
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "./http-error.js";

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, segments: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  /** The handler and params for a request, a 405 when only the method is wrong, or null for no route. */
  match(method: string, pathname: string): { handler: RouteHandler; params: Record<string, string> } | null {
    const parts = pathname.split("/").filter(Boolean);
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method || (method === "HEAD" && route.method === "GET"))
        return { handler: route.handler, params };
      allowed.add(route.method);
      if (route.method === "GET") allowed.add("HEAD");
    }
    if (allowed.size > 0) {
      // RFC 9110 §15.5.6: a 405 lists the methods the resource does allow.
      const allow = [...allowed].sort().join(", ");
      throw new HttpError(405, "method_not_allowed", `${method} is not allowed on ${pathname} (allowed: ${allow})`, {
        headers: { allow },
      });
    }
    return null;
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const part = parts[i]!;
    if (p.startsWith(":")) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(part);
      } catch {
        return null;
      }
      params[p.slice(1)] = decoded;
    } else if (p !== part) return null;
  }
  return params;
}
