// A local HTTP server that replays recorded provider responses in order, so real SDKs can be tested offline.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReplayResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A JSON body (serialised) or a raw string body. */
  body?: unknown;
  /** A streamed body: each chunk written in order, `chunkDelayMs` apart (e.g. SSE `data: …\n\n` lines). */
  chunks?: string[];
  chunkDelayMs?: number;
  /** Wait this long before answering (simulates latency or a timeout). */
  delayMs?: number;
  /** Destroy the socket without answering (a connection reset). */
  reset?: boolean;
  /** Send the status, the headers and this many bytes of the body, then destroy the socket (a reset mid-body). */
  resetAfterBytes?: number;
  /** Only answer requests whose method+path match (default: any). */
  match?: { method?: string; path?: string | RegExp };
}

/** A response computed from the request (e.g. usage only when the request asked for it, as the service does). */
export type ReplayResponder = (request: RecordedRequest) => ReplayResponse;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  json: unknown;
}

export interface ReplayServer {
  url: string;
  /** Requests received, in order. */
  requests: RecordedRequest[];
  /** Queue more responses (answered first-in, first-out among those that match). */
  enqueue(...responses: (ReplayResponse | ReplayResponder)[]): void;
  /** Answer every request that finds the queue empty with this (default: a 599 error naming the request). */
  setFallback(response: ReplayResponse | ((req: RecordedRequest) => ReplayResponse) | null): void;
  pending(): number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function matches(r: ReplayResponse, req: RecordedRequest): boolean {
  if (!r.match) return true;
  if (r.match.method && r.match.method.toUpperCase() !== req.method) return false;
  const p = r.match.path;
  if (p === undefined) return true;
  return typeof p === "string" ? req.path === p : p.test(req.path);
}

async function answer(res: ServerResponse, r: ReplayResponse): Promise<void> {
  if (r.delayMs) await sleep(r.delayMs);
  if (r.reset) {
    res.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { ...(r.headers ?? {}) };
  if (r.chunks) {
    headers["content-type"] ??= "text/event-stream";
    res.writeHead(r.status ?? 200, headers);
    for (const chunk of r.chunks) {
      if (res.destroyed) return;
      res.write(chunk);
      if (r.chunkDelayMs) await sleep(r.chunkDelayMs);
    }
    res.end();
    return;
  }
  const body = typeof r.body === "string" ? r.body : JSON.stringify(r.body ?? {});
  if (typeof r.body !== "string") headers["content-type"] ??= "application/json";
  if (r.resetAfterBytes !== undefined) {
    headers["content-length"] = String(Buffer.byteLength(body));
    res.writeHead(r.status ?? 200, headers);
    res.write(Buffer.from(body).subarray(0, r.resetAfterBytes), () => setTimeout(() => res.socket?.destroy(), 5));
    return;
  }
  res.writeHead(r.status ?? 200, headers);
  res.end(body);
}

export interface ReplayServerOptions {
  /** Answer a request before the queue is consulted (a strict server refusing a request); null lets it through. */
  intercept?: (request: RecordedRequest) => ReplayResponse | null;
}

/** Start a replay server on 127.0.0.1 with an ephemeral port. */
export async function startReplayServer(
  initial: (ReplayResponse | ReplayResponder)[] = [],
  options: ReplayServerOptions = {},
): Promise<ReplayServer> {
  const queue = [...initial];
  const requests: RecordedRequest[] = [];
  let fallback: ReplayResponse | ((req: RecordedRequest) => ReplayResponse) | null = null;

  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const body = Buffer.concat(parts).toString("utf8");
      let json: unknown = undefined;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body,
        json,
      };
      requests.push(recorded);
      const refused = options.intercept?.(recorded);
      const at = refused ? -1 : queue.findIndex((r) => typeof r === "function" || matches(r, recorded));
      let response: ReplayResponse;
      if (refused) response = refused;
      else if (at >= 0) {
        const queued = queue.splice(at, 1)[0]!;
        response = typeof queued === "function" ? queued(recorded) : queued;
      } else if (fallback) response = typeof fallback === "function" ? fallback(recorded) : fallback;
      else
        response = {
          status: 599,
          body: { error: { message: `replay server: no response queued for ${recorded.method} ${recorded.path}` } },
        };
      answer(res, response).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...rs) => void queue.push(...rs),
    setFallback: (r) => void (fallback = r),
    pending: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Server-sent-events framing for a list of JSON payloads (OpenAI style ends with `[DONE]`). */
export function sseChunks(
  events: unknown[],
  options: { done?: boolean; eventNames?: (string | undefined)[] } = {},
): string[] {
  const chunks = events.map((e, i) => {
    const name = options.eventNames?.[i];
    return `${name ? `event: ${name}\n` : ""}data: ${typeof e === "string" ? e : JSON.stringify(e)}\n\n`;
  });
  if (options.done) chunks.push("data: [DONE]\n\n");
  return chunks;
}
