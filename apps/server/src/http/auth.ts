// Bearer-token check for servers bound beyond loopback: constant-time compare, header or ?token= (EventSource cannot set headers).
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error.js";

export function generateToken(): string {
  return randomBytes(24).toString("base64url");
}

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function presentedToken(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7).trim();
  return url.searchParams.get("token");
}

/** Throw a 401 unless the request carries `token`. */
export function requireToken(req: IncomingMessage, url: URL, token: string): void {
  const given = presentedToken(req, url);
  const a = Buffer.from(given ?? "");
  const b = Buffer.from(token);
  if (given === null || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new HttpError(
      401,
      "unauthorized",
      "this server requires a token: send `Authorization: Bearer <token>` or add ?token=<token> to the URL",
      {
        headers: { "www-authenticate": "Bearer" },
      },
    );
  }
}
