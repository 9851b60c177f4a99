// The PostgreSQL session store: sessions by id in one database, the schema migrated on first use.
import { hostname } from "node:os";
import type { Loom, LoomNode, LoomOp, SessionSummary } from "@loom/core";
import { IoError, type Session, type SessionStore, type SharedSession, type StoreOpenOptions } from "@loom/io";
import { validateLoomToStore } from "@loom/io/internal";
import type { Sql } from "postgres";
import { type ClientTarget, clientTarget, pgClient, UrlParameterError, withoutPassword } from "./connect.js";
import { nodeJson } from "./node-json.js";
import { PgSession } from "./pg-session.js";
import { insertPathChunks, pathWrite } from "./path-rows.js";
import { readChildren, readNode, readPathView, readSummaries, type PathView } from "./session-queries.js";
import { listenToSession, opsSince, type SessionChange } from "./session-events.js";
import { migrateSchema } from "./schema-migrations.js";
import { lockSession } from "./session-lock-pg.js";
import { PgSharedSession } from "./shared-session.js";
import { notASession, readSessionRows } from "./session-rows.js";

export interface PostgresStoreOptions {
  /** Connections of the shared client used for reads, listing and creation (default 4); each writer has its own. */
  maxConnections?: number;
  /** The clock for the writer's "since" (tests inject one). */
  now?: () => Date;
  /** How long a shared session's write turn waits for another process's turn (default 10 s). */
  lockWaitMs?: number;
  /**
   * How often an open shared session asks the database for its seq, to catch up on commits it was not told of
   * (default 5 s). NOTIFY is the fast path; this is the net under it: the driver drops a listener whose
   * listening could not start again after a lost connection (the database restarting, say).
   */
  followPollMs?: number;
}

/** The URL without its password, for messages, and resolved for every client (a URL's error is an IoError naming it). */
function checkedUrl(url: string): { shown: string; target: ClientTarget } {
  const shown = withoutPassword(url);
  if (shown === null) {
    throw new IoError("invalid_field", `"${url}" is not a PostgreSQL URL`, {
      field: "url",
      expected: "postgres://user@host:port/database, or postgres://user@/database?host=/socket/dir",
    });
  }
  try {
    return { shown, target: clientTarget(url) };
  } catch (error) {
    if (!(error instanceof UrlParameterError)) throw error;
    throw new IoError("invalid_field", error.message, { field: "url", expected: error.expected });
  }
}

/**
 * A failed first connection's message. postgres.js closes a connection to a server that target_session_attrs turns
 * away and, with no host left, fails with CONNECTION_DESTROYED alone: that says which check no server passed.
 */
function unreached(error: unknown, target: ClientTarget): string {
  const message = (error as Error).message;
  if ((error as { code?: unknown }).code !== "CONNECTION_DESTROYED" || !target.sessionAttrs) return message;
  return `${message}: no server it reached is what target_session_attrs=${target.sessionAttrs} asks for`;
}

/**
 * Writers' connections kept once their session closed with its lock released, for the next open. A new connection
 * costs a PostgreSQL backend process, its catalog caches, and the driver's type lookup: paid once per session by a
 * sweep worker, which opens a session per job (bench/MEASUREMENTS.md).
 */
const IDLE_WRITERS = 4;

/** Rows per insert when a whole loom is written (creation): bounded statements however big the loom. */
const CREATE_CHUNK = 1000;

/** The PostgreSQL store: the SessionStore contract, plus reads that do not load the loom and live events. */
export interface PostgresSessionStore extends SessionStore {
  readonly kind: "postgres";
  /** The current path, its text and the open decision at the tip: a few queries however big the session. */
  show(id: string): Promise<PathView>;
  /** Every session's summary, in one query that reads no loom (a damaged session gets its error). */
  summaries(): Promise<{ id: string; summary: SessionSummary | Error }[]>;
  /** The children of node `nodeId` of session `id`, in the order they were added. */
  children(id: string, nodeId: string): Promise<LoomNode[]>;
  /** Node `nodeId` of session `id`, or null when there is none. */
  node(id: string, nodeId: string): Promise<LoomNode | null>;
  createShared(id: string, loom: Loom, options?: StoreOpenOptions): Promise<SharedSession>;
  openShared(id: string, options?: StoreOpenOptions): Promise<SharedSession>;
  has(id: string): Promise<boolean>;
  /**
   * Follow commits to session `id` by any process (LISTEN/NOTIFY) until the returned function is called.
   * `onResync` is called when the listening started again after a lost connection: commits in between were
   * not heard, and `opsSince` gives them.
   */
  listen(id: string, onChange: (change: SessionChange) => void, onResync?: () => void): Promise<() => Promise<void>>;
  /** The ops committed to session `id` after `seq`, or null when some were compacted away (read the session again). */
  opsSince(id: string, seq: number): Promise<{ seq: number; op: LoomOp }[] | null>;
}

class PgStore implements PostgresSessionStore {
  readonly kind = "postgres";
  readonly #shared: Sql;
  #ready: Promise<void> | null = null;
  readonly #idleWriters: Sql[] = [];
  #closed = false;
  readonly #where: string;
  readonly #target: ClientTarget;
  readonly #now: () => Date;
  readonly #lockWaitMs: number;
  readonly #followPollMs: number;

  constructor(url: string, options: PostgresStoreOptions) {
    const { shown, target } = checkedUrl(url);
    this.#where = shown;
    // Resolved once: the TLS files are read here, not again for every writer's connection.
    this.#target = target;
    this.#now = options.now ?? (() => new Date());
    this.#lockWaitMs = options.lockWaitMs ?? 10_000;
    this.#followPollMs = options.followPollMs ?? 5_000;
    this.#shared = this.client(options.maxConnections ?? 4);
  }

  private client(max: number): Sql {
    return pgClient(this.#target, {
      max,
      onnotice: () => {},
      // A writer's connection holds its lock: never recycle it behind the session's back.
      max_lifetime: null,
      connection: { application_name: `loom ${process.pid}@${hostname()}` },
    });
  }

  private locator(id: string): string {
    return `${this.#where}#${id}`;
  }

  /** Migrate on first use; connection failures become one plain error naming the database. */
  private ready(): Promise<void> {
    this.#ready ??= migrateSchema(this.#shared, this.#where).then(
      () => {},
      (error: unknown) => {
        this.#ready = null;
        if (IoError.isInstance(error)) throw error;
        throw new IoError("io", `cannot use PostgreSQL at ${this.#where}: ${unreached(error, this.#target)}`, {
          cause: error,
        });
      },
    );
    return this.#ready;
  }

  private checkId(id: string): void {
    if (id === "" || id.length > 200 || id.includes("\0")) {
      throw new IoError("invalid_field", `"${id}" is not a session id (1 to 200 characters, no NUL)`, {
        file: this.#where,
        field: "id",
      });
    }
  }

  async create(id: string, loom: Loom, options: StoreOpenOptions = {}): Promise<Session> {
    await this.insert(id, loom);
    return this.open(id, options);
  }

  async createShared(id: string, loom: Loom, options: StoreOpenOptions = {}): Promise<SharedSession> {
    await this.insert(id, loom);
    return this.openShared(id, options);
  }

  async openShared(id: string, options: StoreOpenOptions = {}): Promise<SharedSession> {
    this.checkId(id);
    await this.ready();
    const parts = {
      where: this.locator(id),
      id,
      reader: this.#shared,
      writer: this.client(1),
      now: this.#now,
      lockWaitMs: this.#lockWaitMs,
      listen: (onSeq: (seq: number) => void, onResync: () => void) =>
        listenToSession(this.#shared, id, (change) => onSeq(change.seq), onResync),
      followPollMs: this.#followPollMs,
    };
    try {
      return await PgSharedSession.open(parts, options);
    } catch (error) {
      await parts.writer.end({ timeout: 5 });
      throw error;
    }
  }

  async has(id: string): Promise<boolean> {
    this.checkId(id);
    await this.ready();
    const rows = await this.#shared`select 1 from loom_sessions where id = ${id}`;
    return rows.length > 0;
  }

  /** Write a new session's rows (validated) in one transaction; session_exists when the id is taken. */
  private async insert(id: string, loom: Loom): Promise<void> {
    this.checkId(id);
    const where = this.locator(id);
    const valid = validateLoomToStore(loom, where);
    await this.ready();
    const { nodes, decisions, currentPath: _path, ...head } = valid;
    const path = pathWrite(valid, 0);
    const inserted = await this.#shared.begin(async (tx) => {
      const made = await tx`insert into loom_sessions (id, head) values (${id}, ${JSON.stringify(head)}::text::json)
        on conflict (id) do nothing returning 1`;
      if (made.length === 0) return false;
      for (const [table, parentColumn, records] of [
        ["loom_nodes", "parent_id", Object.values(nodes).map((n) => [n.id, n.parentId, n] as const)],
        ["loom_decisions", "parent_node_id", Object.values(decisions).map((d) => [d.id, d.parentNodeId, d] as const)],
      ] as const) {
        for (let at = 0; at < records.length; at += CREATE_CHUNK) {
          const chunk = records.slice(at, at + CREATE_CHUNK);
          await tx`insert into ${tx(table)} (session_id, id, ${tx(parentColumn)}, data)
            select ${id}, t.id, t.parent, t.data::json
            from unnest(${chunk.map((r) => r[0])}::text[], ${chunk.map((r) => r[1])}::text[], ${chunk.map((r) => (table === "loom_nodes" ? nodeJson(r[2] as LoomNode) : JSON.stringify(r[2])))}::text[])
              as t(id, parent, data)`;
        }
      }
      await insertPathChunks(tx, id, path.chunks);
      return true;
    });
    if (!inserted) {
      throw new IoError(
        "session_exists",
        `a session "${id}" already exists in this database; open it, or pick another id`,
        {
          file: where,
        },
      );
    }
  }

  async open(id: string, options: StoreOpenOptions = {}): Promise<Session> {
    this.checkId(id);
    const where = this.locator(id);
    await this.ready();
    if (options.readOnly) {
      const stored = await readSessionRows(this.#shared, id, where);
      if (!stored) throw notASession(id, where);
      return new PgSession(where, stored.loom, stored.seq, id, null, this.#shared, options);
    }
    // A kept connection holds no lock (it was released before it was kept); if it dropped meanwhile, the driver
    // connects again before the lock is taken.
    const writer = this.#idleWriters.pop() ?? this.client(1);
    try {
      await lockSession(writer, id, where, this.#now, this.#shared);
      // Read under the lock, on the writer's connection: nothing can commit between this read and our first commit.
      const stored = await readSessionRows(writer, id, where);
      if (!stored) throw notASession(id, where);
      return new PgSession(where, stored.loom, stored.seq, id, writer, this.#shared, options, (w, reusable) =>
        this.releaseWriter(w, reusable),
      );
    } catch (error) {
      await writer.end({ timeout: 5 });
      throw error;
    }
  }

  async read(id: string): Promise<{ loom: Loom; warnings: string[] }> {
    this.checkId(id);
    await this.ready();
    const stored = await readSessionRows(this.#shared, id, this.locator(id));
    if (!stored) throw notASession(id, this.locator(id));
    return { loom: stored.loom, warnings: [] };
  }

  async show(id: string): Promise<PathView> {
    this.checkId(id);
    await this.ready();
    return readPathView(this.#shared, id, this.locator(id));
  }

  async children(id: string, nodeId: string): Promise<LoomNode[]> {
    this.checkId(id);
    await this.ready();
    return readChildren(this.#shared, id, nodeId, this.locator(id));
  }

  async node(id: string, nodeId: string): Promise<LoomNode | null> {
    this.checkId(id);
    await this.ready();
    return readNode(this.#shared, id, nodeId, this.locator(id));
  }

  async listen(
    id: string,
    onChange: (change: SessionChange) => void,
    onResync?: () => void,
  ): Promise<() => Promise<void>> {
    this.checkId(id);
    await this.ready();
    return listenToSession(this.#shared, id, onChange, onResync);
  }

  async opsSince(id: string, seq: number): Promise<{ seq: number; op: LoomOp }[] | null> {
    this.checkId(id);
    await this.ready();
    return opsSince(this.#shared, id, seq, this.locator(id));
  }

  async summaries(): Promise<{ id: string; summary: SessionSummary | Error }[]> {
    await this.ready();
    return readSummaries(this.#shared, (id) => this.locator(id));
  }

  async list(): Promise<string[]> {
    await this.ready();
    const rows = await this.#shared<{ id: string }[]>`select id from loom_sessions order by id`;
    return rows.map((r) => r.id);
  }

  private async releaseWriter(writer: Sql, reusable: boolean): Promise<void> {
    if (reusable && !this.#closed && this.#idleWriters.length < IDLE_WRITERS) this.#idleWriters.push(writer);
    else await writer.end({ timeout: 5 });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#idleWriters.splice(0).map((w) => w.end({ timeout: 5 })));
    await this.#shared.end({ timeout: 5 });
  }
}

/** A session store in the PostgreSQL database at `url` (postgres://user:password@host:port/database). */
export function postgresSessionStore(url: string, options: PostgresStoreOptions = {}): PostgresSessionStore {
  return new PgStore(url, options);
}
