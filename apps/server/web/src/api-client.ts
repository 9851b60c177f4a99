// The page's HTTP client: JSON calls with the token (if the server needs one) and errors that carry the server's message.
import type { SessionPage } from "../../src/api/session-page.js";

export type { DecisionSummary, NodeSummary, SessionPage } from "../../src/api/session-page.js";

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

  /** Every page of a session (the tree needs all nodes); `onPage` sees each as it arrives. */
  async session(id: string, onFirst?: (page: SessionPage) => void): Promise<SessionPage> {
    const base = `/api/sessions/${encodeURIComponent(id)}`;
    const first = await this.call<SessionPage>("GET", `${base}?limit=5000`);
    onFirst?.(first);
    let cursor = first.page.nextCursor;
    while (cursor !== null) {
      const next = await this.call<SessionPage>("GET", `${base}?limit=5000&cursor=${cursor}`);
      first.nodes.push(...next.nodes);
      first.decisions.push(...next.decisions);
      cursor = next.page.nextCursor;
    }
    return first;
  }

  events(id: string): EventSource {
    const q = this.token ? `?token=${encodeURIComponent(this.token)}` : "";
    return new EventSource(`/api/sessions/${encodeURIComponent(id)}/events${q}`);
  }
}
