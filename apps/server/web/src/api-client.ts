// The page's HTTP client: JSON calls with the token (if the server needs one) and errors that carry the server's message.
import type { SessionPage } from "../../src/api/session-page.js";
import type { TreePage } from "../../src/api/tree-page.js";
import type { Glance } from "../../src/sessions/glance.js";

export type { DecisionSummary, NodeSummary, OpenCandidate, SessionPage } from "../../src/api/session-page.js";
export type { TreeDecision, TreePage } from "../../src/api/tree-page.js";
export type { SearchResults } from "../../src/api/schemas.js";
export type { Glance } from "../../src/sessions/glance.js";

/** The summary with the whole current path and its history (the text view shows any part of it). */
const ALL_STEPS = 1_000_000;

/** GET /nodes/:nodeId/expand: what a look-ahead would cost before any call. */
export interface LookAheadEstimate {
  nodes: number;
  requests: number;
  costUsd: number | null;
  paid: boolean;
  generators: { provider: string; model: string; hosted: boolean; costUsd: number | null }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Read `?token=` once, keep it for this tab, and take it out of the address bar. */
function takeToken(): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    sessionStorage.setItem("loom-token", fromUrl);
    url.searchParams.delete("token");
    history.replaceState(null, "", url.toString());
  }
  return sessionStorage.getItem("loom-token");
}

export class ApiClient {
  readonly token = takeToken();
  /** Called once when the server asks for a token this tab does not have (or has wrong). */
  onUnauthorized: (() => void) | null = null;

  /** Keep a token the writer typed in, for this tab. */
  static saveToken(token: string): void {
    sessionStorage.setItem("loom-token", token.trim());
  }

  async call<T>(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    // The server takes state-changing requests only as JSON (a cross-site form cannot send that).
    if (method !== "GET") headers["content-type"] = "application/json";
    const res = await fetch(path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : method !== "GET" ? { body: "{}" } : {}),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : null;
    if (res.status === 401 && this.onUnauthorized) {
      const ask = this.onUnauthorized;
      this.onUnauthorized = null;
      ask();
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(
        res.status,
        err?.code ?? "http_error",
        err?.message ?? `${method} ${path}: HTTP ${res.status}`,
      );
    }
    return json as T;
  }

  /** The path's text and the tree around the tip, answered from a stored digest before the session is open. */
  glance(id: string): Promise<Glance> {
    return this.call<Glance>("GET", `/api/sessions/${encodeURIComponent(id)}/glance`);
  }

  /** The session's summary: text, path, history, the open decision (and one node of the tree). */
  summary(id: string): Promise<SessionPage> {
    return this.call<SessionPage>("GET", `/api/sessions/${encodeURIComponent(id)}?limit=1&steps=${ALL_STEPS}`);
  }

  /** Every page of the session's tree, from the compact tree route (columns of ids, parents, short texts; no tokens). */
  async tree(id: string): Promise<TreePage[]> {
    const base = `/api/sessions/${encodeURIComponent(id)}/tree`;
    const pages = [await this.call<TreePage>("GET", base)];
    for (let c = pages[0]!.page.nextCursor; c !== null; c = pages[pages.length - 1]!.page.nextCursor)
      pages.push(await this.call<TreePage>("GET", `${base}?cursor=${c}`));
    return pages;
  }

  /** A session as the page first shows it: the summary and the whole tree (20,000 nodes in one page), read side by side. */
  async session(id: string): Promise<{ summary: SessionPage; tree: TreePage[] }> {
    const [summary, tree] = await Promise.all([this.summary(id), this.tree(id)]);
    return { summary, tree };
  }

  events(id: string): EventSource {
    const q = this.token ? `?token=${encodeURIComponent(this.token)}` : "";
    return new EventSource(`/api/sessions/${encodeURIComponent(id)}/events${q}`);
  }
}
