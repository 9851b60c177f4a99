// The sessions this server has open: opened lazily from the sessions directory, shared by every request and subscriber.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { sessionSummary, type Loom, type SessionSummary } from "@loom/core";
import { hasSession, IoError, readSessionView, type SessionStore } from "@loom/io";
import { GLANCE_AROUND, glanceOfLoom, glanceOfView, type Glance } from "./glance.js";
import { HttpError } from "../http/http-error.js";
import { LiveSession } from "./live-session.js";
import type { SessionBackend } from "./session-driver.js";
import { assertSessionId, SESSION_ID_PATTERN } from "./session-id.js";

export interface SessionListing {
  id: string;
  open: boolean;
  modifiedAt: string;
  title: string | null;
  seed: string;
  steps: number;
  nodes: number;
  bytes: number;
  state: "open" | "running" | "stopped" | "awaiting-answer" | "unreadable";
  problem?: string;
}

/** The files whose size and time say a session changed. */
const SESSION_FILES = ["loom.json", "journal.ndjson", "manifest.ndjson"];

/** What a list shows of a session's summary (or of why it could not be read). */
function listingOf(
  summary: SessionSummary | Error,
  live: LiveSession | undefined,
): Pick<SessionListing, "title" | "seed" | "steps" | "nodes" | "state" | "problem"> {
  if (summary instanceof Error) {
    return { title: null, seed: "", steps: 0, nodes: 0, state: "unreadable", problem: summary.message };
  }
  return {
    title: summary.title,
    seed: summary.seed,
    steps: summary.steps,
    nodes: summary.nodes,
    state: live?.running ? "running" : summary.state,
  };
}

const taken = (id: string) =>
  new HttpError(409, "session_exists", `a session with id "${id}" already exists`, { field: "sessionId" });

export class SessionHub {
  private readonly live = new Map<string, Promise<LiveSession>>();
  /** The sessions whose opening is done. */
  private readonly ready = new Map<string, LiveSession>();

  constructor(
    readonly sessionsDir: string,
    private readonly backend: SessionBackend,
  ) {}

  dirOf(id: string): string {
    return join(this.sessionsDir, assertSessionId(id));
  }

  /** The store sessions live in when it is not the sessions directory (PostgreSQL shared by replicas). */
  get store(): SessionStore | null {
    return this.backend.store ?? null;
  }

  /** What the backend opens session `id` by: its directory, or its id in the store. */
  private whereOf(id: string): string {
    return this.store ? assertSessionId(id) : this.dirOf(id);
  }

  private async exists(id: string): Promise<boolean> {
    const store = this.store;
    if (!store) return hasSession(this.dirOf(id));
    return store.has ? store.has(assertSessionId(id)) : (await store.list()).includes(id);
  }

  /**
   * The store's sessions, each summarised from the open session, else from the store's summaries (queries, for a
   * store that has them: PostgreSQL), else by reading it whole.
   */
  private async listStore(store: SessionStore): Promise<SessionListing[]> {
    const out: SessionListing[] = [];
    const stored = store.summaries ? new Map((await store.summaries()).map((s) => [s.id, s.summary])) : null;
    for (const id of stored ? stored.keys() : await store.list()) {
      if (!SESSION_ID_PATTERN.test(id)) continue;
      const live = this.ready.get(id);
      const summary = live
        ? sessionSummary(live.driver.loom)
        : (stored?.get(id) ??
          (await store.read(id).then(
            (r) => sessionSummary(r.loom),
            (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
          )));
      // A store keeps no file times: a session's creation orders the list.
      const modifiedAt = summary instanceof Error ? new Date(0).toISOString() : summary.createdAt;
      out.push({ id, open: this.live.has(id), bytes: 0, modifiedAt, ...listingOf(summary, live) });
    }
    return out.sort((a, b) => (a.modifiedAt < b.modifiedAt ? 1 : a.modifiedAt > b.modifiedAt ? -1 : 0));
  }

  /** Summaries of sessions not open here, keyed by directory, valid while their files' sizes and times hold. */
  private readonly summaries = new Map<string, { key: string; summary: SessionSummary | Error }>();

  /** Every session, most recently changed first, with what a list shows of it. */
  async list(): Promise<SessionListing[]> {
    if (this.store) return this.listStore(this.store);
    let entries: string[];
    try {
      entries = await readdir(this.sessionsDir);
    } catch {
      return [];
    }
    const out: SessionListing[] = [];
    for (const name of entries) {
      if (!SESSION_ID_PATTERN.test(name)) continue;
      const dir = join(this.sessionsDir, name);
      const files = await Promise.all(SESSION_FILES.map((f) => stat(join(dir, f)).catch(() => null)));
      if (!files[0] && !files[1]) continue; // Not a session directory.
      let bytes = 0;
      let mtime = 0;
      for (const f of files) {
        if (!f) continue;
        bytes += f.size;
        mtime = Math.max(mtime, f.mtimeMs);
      }
      const listing = await this.summaryOf(name, dir, files.map((f) => (f ? `${f.size}:${f.mtimeMs}` : "-")).join("/"));
      out.push({ id: name, open: this.live.has(name), modifiedAt: new Date(mtime).toISOString(), bytes, ...listing });
    }
    return out.sort((a, b) => (a.modifiedAt < b.modifiedAt ? 1 : a.modifiedAt > b.modifiedAt ? -1 : 0));
  }

  /**
   * From the open session when its opening is done, else from the session's stored digest (a few KB read however
   * big the session; a whole read only when the digest will not do), once per change of its files. A session
   * still opening is not waited for: a big one takes seconds.
   */
  private async summaryOf(
    id: string,
    dir: string,
    key: string,
  ): Promise<Pick<SessionListing, "title" | "seed" | "steps" | "nodes" | "state" | "problem">> {
    const live = this.ready.get(id);
    let summary: SessionSummary | Error;
    if (live) summary = sessionSummary(live.driver.loom);
    else {
      const cached = this.summaries.get(dir);
      if (cached?.key === key) summary = cached.summary;
      else {
        summary = await readSessionView(dir, { decisions: 0, around: 0, summary: true }).then(
          (view) => view.summary!,
          (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
        );
        this.summaries.set(dir, { key, summary });
      }
    }
    return listingOf(summary, live);
  }

  async create(loom: Loom): Promise<LiveSession> {
    const id = assertSessionId(loom.sessionId);
    if (this.live.has(id) || (await this.exists(id))) {
      throw taken(id);
    }
    const opening = this.backend.create(this.whereOf(id), loom).then(
      (driver) => this.keep(new LiveSession(id, driver)),
      (error: unknown) => {
        // Another server process sharing the store made it between our check and our insert.
        if (IoError.isInstance(error) && error.code === "session_exists") throw taken(id);
        throw error;
      },
    );
    this.live.set(id, opening);
    opening.catch(() => this.live.delete(id));
    return opening;
  }

  /** The open session `id`, opening it from disk on first use; 404 when there is none. */
  async get(id: string): Promise<LiveSession> {
    const where = this.whereOf(id);
    const known = this.live.get(id);
    if (known) return known;
    if (!(await this.exists(id))) {
      // The sessions directory is the server's business: the message names the id only.
      throw new HttpError(404, "unknown_session", `no session "${id}" on this server`);
    }
    // Another request may have started opening it while we checked the disk.
    const again = this.live.get(id);
    if (again) return again;
    const opening = this.backend.open(where).then((driver) => this.keep(new LiveSession(id, driver)));
    this.live.set(id, opening);
    opening.catch(() => this.live.delete(id));
    return opening;
  }

  private keep(live: LiveSession): LiveSession {
    this.ready.set(live.id, live);
    return live;
  }

  /**
   * What the page shows first: from the open session, else from the session's stored digest (a few KB however
   * big the session) while the whole session opens in the background for what comes next.
   */
  async glance(id: string): Promise<Glance> {
    const ready = this.ready.get(assertSessionId(id));
    if (ready) return glanceOfLoom(ready.driver.loom);
    if (this.store) return glanceOfLoom((await this.get(id)).driver.loom);
    let view: Awaited<ReturnType<typeof readSessionView>>;
    try {
      view = await readSessionView(this.dirOf(id), { decisions: 0, around: GLANCE_AROUND, text: true });
    } catch {
      // No such session (opening it says 404), or not readable alone: the opened session answers, or its error.
      return glanceOfLoom((await this.get(id)).driver.loom);
    }
    // Opened after the glance is read, not alongside: a big session's open keeps the process busy for seconds.
    this.get(id).catch(() => {});
    return glanceOfView(view);
  }

  async closeAll(): Promise<void> {
    const all = [...this.live.values()];
    this.live.clear();
    this.ready.clear();
    await Promise.allSettled(all.map(async (p) => (await p).close()));
    await this.backend.close?.();
  }
}
