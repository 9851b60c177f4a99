// The sessions this server has open: opened lazily from the sessions directory, shared by every request and subscriber.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Loom } from "@loom/core";
import { HttpError } from "../http/http-error.js";
import { LiveSession } from "./live-session.js";
import type { SessionBackend } from "./session-driver.js";
import { assertSessionId, SESSION_ID_PATTERN } from "./session-id.js";

export interface SessionListing {
  id: string;
  open: boolean;
  modifiedAt: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export class SessionHub {
  private readonly live = new Map<string, Promise<LiveSession>>();

  constructor(
    readonly sessionsDir: string,
    private readonly backend: SessionBackend,
  ) {}

  dirOf(id: string): string {
    return join(this.sessionsDir, assertSessionId(id));
  }

  async list(): Promise<SessionListing[]> {
    let entries: string[];
    try {
      entries = await readdir(this.sessionsDir);
    } catch {
      return [];
    }
    const out: SessionListing[] = [];
    for (const name of entries.sort()) {
      if (!SESSION_ID_PATTERN.test(name)) continue;
      const snapshot = join(this.sessionsDir, name, "loom.json");
      try {
        const s = await stat(snapshot);
        out.push({ id: name, open: this.live.has(name), modifiedAt: s.mtime.toISOString() });
      } catch {
        // Not a session directory.
      }
    }
    return out;
  }

  async create(loom: Loom): Promise<LiveSession> {
    const id = assertSessionId(loom.sessionId);
    if (this.live.has(id) || (await exists(this.dirOf(id)))) {
      throw new HttpError(409, "session_exists", `a session with id "${id}" already exists`, { field: "sessionId" });
    }
    const opening = this.backend.create(this.dirOf(id), loom).then((driver) => new LiveSession(id, driver));
    this.live.set(id, opening);
    opening.catch(() => this.live.delete(id));
    return opening;
  }

  /** The open session `id`, opening it from disk on first use; 404 when there is none. */
  async get(id: string): Promise<LiveSession> {
    const dir = this.dirOf(id);
    const known = this.live.get(id);
    if (known) return known;
    if (!(await exists(join(dir, "loom.json"))) && !(await exists(join(dir, "journal.ndjson")))) {
      throw new HttpError(404, "unknown_session", `no session "${id}" in ${this.sessionsDir}`);
    }
    // Another request may have started opening it while we checked the disk.
    const again = this.live.get(id);
    if (again) return again;
    const opening = this.backend.open(dir).then((driver) => new LiveSession(id, driver));
    this.live.set(id, opening);
    opening.catch(() => this.live.delete(id));
    return opening;
  }

  async closeAll(): Promise<void> {
    const all = [...this.live.values()];
    this.live.clear();
    await Promise.allSettled(all.map(async (p) => (await p).close()));
    await this.backend.close?.();
  }
}
