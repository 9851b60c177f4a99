// startServer: the HTTP server that `loom serve` runs — API routes, live events and the page, with safe defaults.
import { mkdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { defaultEnv, type GenerationPreset, type LoomEnv, type SessionConfigInput } from "@loom/core";
import { knownProviders } from "@loom/generators";
import { SELECTOR_PROVIDERS } from "@loom/selectors";
import { scrub, secretValues } from "./http/scrub.js";
import type { ApiRoute } from "./api/api-route.js";
import { AnalysisGate, type AnalysisLimits } from "./api/analysis-gate.js";
import { apiRoutes } from "./api/routes.js";
import type { ServerDeps } from "./api/server-deps.js";
import { assertTokenStrength, generateToken, isLoopbackHost, requireToken } from "./http/auth.js";
import { HttpError } from "./http/http-error.js";
import { readJsonBody } from "./http/read-body.js";
import { Router } from "./http/router.js";
import { toHttpError } from "./http/to-http-error.js";
import { validate } from "./http/validate.js";
import { defaultBackend, type DefaultBackendOptions } from "./sessions/default-backend.js";
import type { SessionBackend } from "./sessions/session-driver.js";
import { SessionHub } from "./sessions/session-hub.js";
import { defaultWebDir, WebAssets } from "./web-assets.js";

export interface StartServerOptions {
  /** Interface to bind; default 127.0.0.1. Anything but loopback requires a token (generated and logged if not given). */
  host?: string;
  /** Port; default 4321, 0 for any free port. */
  port?: number;
  /** Directory holding one sub-directory per session; created if missing. */
  sessionsDir: string;
  /** Bearer token every API request must carry. Also enforced on loopback when given. */
  token?: string;
  /** Origins allowed to call the API from other pages (CORS). None by default. */
  corsOrigins?: string[];
  /** Largest request body accepted, in bytes (default 1 MiB), except for an imported file's. */
  maxBodyBytes?: number;
  /** Largest body of `POST /api/sessions/import`, which carries a whole loom file (default 64 MiB). */
  maxImportBytes?: number;
  /** Settings new sessions start from, under the client's (e.g. `{ generator: { provider: "local", model } }`). */
  defaultConfig?: SessionConfigInput;
  /** Named presets clients may choose by name, beside the built-ins (e.g. the operator's presets file). */
  presets?: Record<string, GenerationPreset>;
  /** How sessions are opened and driven; default: @loom/io sessions driven by @loom/orchestrator. */
  backend?: SessionBackend;
  /** Options of the default backend: which generator and selector a session config gets. */
  backendOptions?: DefaultBackendOptions;
  /**
   * What clients may choose for new sessions. Base URLs are never a client's choice; model files
   * are chosen by name from `modelFiles` (plus the default config's model).
   */
  allow?: { generatorProviders?: string[]; selectorProviders?: string[]; modelFiles?: string[] };
  env?: LoomEnv;
  /** Where the built page (app.js, app.css) lives; default dist/web of this package. */
  webDir?: string;
  log?: (message: string) => void;
  /** GET /api/analysis: analyses run at once (default 1) and requests that wait for a turn (default 4); more get 503. */
  analyses?: AnalysisLimits;
}

export interface LoomServer {
  /** Base URL, e.g. http://127.0.0.1:4321 */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The token requests must carry, or null when none is required. */
  readonly token: string | null;
  readonly hub: SessionHub;
  /** Stop accepting connections, end event streams, close every session (compacting it) and release models. */
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(status === 304 ? undefined : body);
}

/**
 * A state-changing request must come from the page itself (or an allowed CORS origin) and carry
 * JSON: a page on another origin can send a "simple" cross-site POST (text/plain, a form) without
 * any preflight, and it must create nothing.
 */
function refuseCrossSite(req: IncomingMessage, cors: ReadonlySet<string>): void {
  const origin = req.headers.origin;
  if (origin !== undefined && !cors.has(origin) && origin !== `http://${req.headers.host ?? ""}`) {
    throw new HttpError(
      403,
      "cross_origin",
      `requests from ${origin} are not allowed (start the server with --cors ${origin} to allow that page)`,
    );
  }
  const type = String(req.headers["content-type"] ?? "");
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new HttpError(
      415,
      "unsupported_media_type",
      `send ${req.method} requests with Content-Type: application/json${type ? ` (got "${type}")` : ""}`,
    );
  }
}

/** On loopback, refuse Host headers naming other machines: a page elsewhere cannot reach us by DNS rebinding. */
function hostAllowed(req: IncomingMessage, bindHost: string): boolean {
  if (!isLoopbackHost(bindHost)) return true;
  const host = (req.headers.host ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return host === "" || isLoopbackHost(host);
}

export async function startServer(options: StartServerOptions): Promise<LoomServer> {
  const host = options.host ?? "127.0.0.1";
  const log = options.log ?? ((m: string) => console.error(m));
  let token = options.token ?? null;
  if (token !== null) assertTokenStrength(token);
  if (!token && !isLoopbackHost(host)) {
    token = generateToken();
    log(`loom server: binding ${host} needs a token; generated one: ${token}`);
  }
  const sessionsDir = resolve(options.sessionsDir);
  const secretsEnv = options.backendOptions?.secrets ?? process.env;
  const secrets = secretValues(secretsEnv);
  const rawLog = log;
  const safeLog = (message: string) => rawLog(scrub(message, secrets));
  const defaultGen = (options.defaultConfig?.generator ?? {}) as { provider?: string; model?: string };
  const modelFiles = [
    ...(options.allow?.modelFiles ?? []),
    ...((defaultGen.provider ?? "local") === "local" && defaultGen.model ? [defaultGen.model] : []),
  ];
  // Sessions kept in a store need no directory.
  if (!options.backendOptions?.store) await mkdir(sessionsDir, { recursive: true });
  const backend = options.backend ?? defaultBackend(options.backendOptions ?? {});
  const hub = new SessionHub(sessionsDir, backend);
  const deps: ServerDeps = {
    env: options.env ?? defaultEnv,
    defaultConfig: options.defaultConfig ?? {},
    presets: options.presets ?? {},
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    maxImportBytes: options.maxImportBytes ?? 64 * 1024 * 1024,
    analyses: new AnalysisGate(options.analyses),
    log: safeLog,
    secretsEnv,
    secrets,
    policy: {
      generatorProviders: new Set(
        options.allow?.generatorProviders ??
          knownProviders().filter((p) => p !== "openai-compatible" || defaultGen.provider === p),
      ),
      selectorProviders: new Set(options.allow?.selectorProviders ?? Object.keys(SELECTOR_PROVIDERS)),
      modelFiles,
      alongsideBaseUrls: new Map(
        (
          (options.defaultConfig?.generator as { alongside?: { provider?: string; baseUrl?: string | null }[] })
            ?.alongside ?? []
        )
          .filter((a) => a.provider && a.baseUrl)
          .map((a) => [a.provider!, a.baseUrl!]),
      ),
    },
  };
  const router = new Router();
  for (const route of apiRoutes())
    router.add(route.method, route.path, (ctx) => runRoute(route, ctx.req, ctx.res, ctx.url, ctx.params));
  const web = new WebAssets(options.webDir ?? defaultWebDir());
  const cors = new Set(options.corsOrigins ?? []);

  async function runRoute(
    route: ApiRoute,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    params: Record<string, string>,
  ) {
    const query = route.query ? validate(route.query, Object.fromEntries(url.searchParams), "query") : {};
    let rawBody: unknown;
    let body: unknown;
    if (route.body) {
      rawBody = route.carriesFile
        ? await readJsonBody(req, deps.maxImportBytes, "maxImportBytes")
        : await readJsonBody(req, deps.maxBodyBytes, "maxBodyBytes");
      body = validate(route.body, rawBody, "body");
    }
    const reply = await route.handle({ req, res, url, params, body, rawBody, query, hub, deps });
    if (reply === null) return;
    if ("raw" in reply) send(res, reply.status, reply.raw, reply.headers);
    else send(res, reply.status, JSON.stringify(reply.body), reply.headers);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    const origin = req.headers.origin;
    const corsHeaders: Record<string, string> =
      origin && cors.has(origin)
        ? {
            "access-control-allow-origin": origin,
            "access-control-allow-headers": "authorization, content-type, last-event-id",
            "access-control-allow-methods": "GET, POST, PUT",
            vary: "origin",
          }
        : {};
    for (const [k, v] of Object.entries(corsHeaders)) res.setHeader(k, v);
    try {
      if (!hostAllowed(req, host))
        throw new HttpError(
          421,
          "bad_host",
          `this server only answers to localhost names (got Host: ${req.headers.host})`,
        );
      if (url.pathname.startsWith("/api/")) {
        if (req.method === "OPTIONS") {
          res.writeHead(corsHeaders["access-control-allow-origin"] ? 204 : 403);
          res.end();
          return;
        }
        if (req.method !== "GET" && req.method !== "HEAD") refuseCrossSite(req, cors);
        if (token) requireToken(req, url, token);
        const match = router.match(req.method ?? "GET", url.pathname);
        if (!match)
          throw new HttpError(404, "no_route", `no API route ${req.method} ${url.pathname}; see /api/openapi.json`);
        await match.handler({ req, res, url, params: match.params });
        return;
      }
      if ((req.method === "GET" || req.method === "HEAD") && (await web.serve(url.pathname, res))) return;
      throw new HttpError(404, "not_found", `nothing at ${url.pathname}`);
    } catch (error) {
      const e = toHttpError(error);
      if (e.status >= 500)
        safeLog(`loom server: ${req.method} ${url.pathname}: ${(error as Error).stack ?? String(error)}`);
      const body = e.toBody();
      // Provider errors can quote keys and local errors name files: neither leaves the server.
      body.error.message = scrub(body.error.message, secrets);
      send(res, e.status, JSON.stringify(body), e.extra.headers);
    }
  }

  const server = createServer({ noDelay: true, keepAliveTimeout: 10_000 }, (req, res) => void handle(req, res));
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 4321, host, () => {
      server.off("error", reject);
      resolveListen();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${address.port}`,
    host,
    port: address.port,
    token,
    hub,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((r) => server.close(() => r()));
        await hub.closeAll();
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}
