// The session store seam: where sessions live (a folder of session directories, or a database) behind one interface.
import { readdir } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import type { Loom, LoomOp, SessionSummary } from "@loom/core";
import { IoError } from "./io-error.js";
import { hasSession } from "./session-exists.js";
import {
  createSession,
  openSession,
  readSession,
  type OpenSessionOptions,
  type Session,
  type SessionOptions,
} from "./session.js";

/** Options every store understands when it opens a session; a store may take more in its own factory. */
export interface StoreOpenOptions {
  /** Open without the single-writer lock; mutate/compact/writeState then throw. */
  readOnly?: boolean;
  /** Called with each warning as well as collecting it in the session's `warnings`. */
  onWarning?: (warning: string) => void;
}

/**
 * A place sessions live, named by id. The files (one directory per session) are the default; another backend
 * (PostgreSQL in `@loom/store-postgres`) implements the same contract:
 *
 * - at most one writer per session at a time: a second `create`/`open` for writing throws SessionLockedError
 *   naming the holder;
 * - `Session.mutate` applies an op and returns synchronously; the op is acknowledged (kept across a crash of
 *   this process) once `Session.flush()` resolves, and `close()` flushes first. For the files an op is already
 *   kept once `mutate` returns; a store that commits asynchronously keeps the order of ops and never commits
 *   half an op.
 */
export interface SessionStore {
  /** What kind of store this is ("files", "postgres"…), for messages. */
  readonly kind: string;
  /** Make a new session `id` holding `loom` (validated), open for writing by this process. */
  create(id: string, loom: Loom, options?: StoreOpenOptions): Promise<Session>;
  /** Open session `id`: for writing (takes the single-writer lock) unless `readOnly`. */
  open(id: string, options?: StoreOpenOptions): Promise<Session>;
  /** Read session `id` without locking it or writing anything. */
  read(id: string): Promise<{ loom: Loom; warnings: string[] }>;
  /** Make session `id` and open it shared (stores that several processes can write in turn). */
  createShared?(id: string, loom: Loom, options?: StoreOpenOptions): Promise<SharedSession>;
  /** Open session `id` shared: writable in turns by this process and others at once, following their commits. */
  openShared?(id: string, options?: StoreOpenOptions): Promise<SharedSession>;
  /**
   * What a list of sessions shows of every session (title, seed, size, state), without reading any loom whole;
   * a session that cannot be summarised gets its error. Stores without it are listed by reading each session.
   */
  summaries?(): Promise<{ id: string; summary: SessionSummary | Error }[]>;
  /** Whether session `id` exists (without opening it). */
  has?(id: string): Promise<boolean>;
  /** The ids of the sessions in this store. */
  list(): Promise<string[]>;
  /** Release what the store holds (connections); sessions it opened must be closed first. */
  close(): Promise<void>;
}

/** Ops another process committed to a shared session, now applied to its loom; `ops` null: the loom was read anew. */
export interface RemoteChange {
  seq: number;
  ops: LoomOp[] | null;
}

/**
 * A session several processes write in turn (server replicas over one database). Its loom follows the others'
 * commits between turns; `mutate` works only inside `write(action)`, a turn: the store's writer lock is taken,
 * the others' commits are applied first, and the action's ops are committed before the lock is released.
 */
export interface SharedSession extends Session {
  /** Run `action` as the session's only writer; resolves (with the action's result) once its ops are committed. */
  write<T>(action: () => Promise<T>): Promise<T>;
  /** Called after another process's commits were applied to `loom`; returns the unsubscribe function. */
  onRemoteChange(listener: (change: RemoteChange) => void): () => void;
}

/**
 * The file backend as a store: session `id` is the directory `root/id` (an absolute `id` is used as it is), with
 * exactly the behaviour of createSession / openSession / readSession. `defaults` apply to every session opened.
 */
export function fileSessionStore(root: string, defaults: SessionOptions = {}): SessionStore {
  const dirOf = (id: string): string => {
    if (isAbsolute(id)) return id;
    if (id === "" || id === "." || id === ".." || /[/\\]/.test(id) || id.includes("\0")) {
      throw new IoError("invalid_field", `"${id}" is not a session id (a directory name under the store)`, {
        file: root,
        field: "id",
      });
    }
    return join(root, id);
  };
  const withDefaults = (options: StoreOpenOptions = {}): OpenSessionOptions => ({ ...defaults, ...options });
  return {
    kind: "files",
    create: (id, loom, options) => createSession(dirOf(id), loom, withDefaults(options)),
    open: (id, options) => openSession(dirOf(id), withDefaults(options)),
    read: (id) => readSession(dirOf(id), defaults.migrations ? { migrations: defaults.migrations } : {}),
    async list() {
      let names: string[];
      try {
        names = await readdir(root);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw IoError.fromSystem(error, root, "list the sessions");
      }
      const found = await Promise.all(names.map(async (name) => ((await hasSession(join(root, name))) ? name : null)));
      return found.filter((name): name is string => name !== null).sort();
    },
    close: async () => {},
  };
}
