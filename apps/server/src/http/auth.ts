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

/** Shorter tokens are refused when the server starts: they can be guessed. */
export const MIN_TOKEN_LENGTH = 16;

export function assertTokenStrength(token: string): void {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `the server token must be at least ${MIN_TOKEN_LENGTH} characters (it has ${token.length}); leave it out to have one generated`,
    );
  }
}

function presentedToken(req: IncomingMessage, url: URL): string | null {
  // The scheme name is case-insensitive (RFC 9110 §11.1): "bearer x" is "Bearer x".
  const m = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  if (m) return m[1]!.trim();
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
