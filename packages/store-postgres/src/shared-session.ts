// A session several processes write in turn (server replicas): the writer lock is taken per action, not per open.
import { applyOp, type Loom, type LoomOp } from "@loom/core";
import { IoError, type RemoteChange, type SharedSession, type StoreOpenOptions } from "@loom/io";
import type { Sql } from "postgres";
import { PgSession } from "./pg-session.js";
import { opsSince } from "./session-events.js";
import { lockSessionWaiting, unlockSession } from "./session-lock-pg.js";
import { notASession, readSessionRows } from "./session-rows.js";

type MutationResult = LoomOp | { op: LoomOp };

export interface SharedParts {
  where: string;
  id: string;
  /** The store's shared client: catch-up reads between turns, and LISTEN. */
  reader: Sql;
  /** A client of one connection of this session's own: it takes the lock for each turn. */
  writer: Sql;
  now: () => Date;
  /** How long a turn waits for another process's turn to end before it fails with SessionLockedError. */
  lockWaitMs: number;
  /** Subscribe to commits of this session by any process; `onResync` when the listening started again after a loss. */
  listen: (onSeq: (seq: number) => void, onResync: () => void) => Promise<() => Promise<void>>;
  /** Between notifications, how often to ask the database for the session's seq (commits nobody announced). */
  followPollMs: number;
}

/**
 * Between turns the loom is read-only and follows other processes' commits (NOTIFY, then the ops since the last
 * seq seen). `write(action)` is one turn: wait for the advisory lock, apply what others committed meanwhile, run
 * the action (its `mutate`s queue ops as a writer's would), commit them, release the lock. The action therefore
 * sees the session as the database has it, so a check it makes (is this decision still open?) cannot be raced.
 */
export class PgSharedSession implements SharedSession {
  readonly warnings: string[] = [];
  readonly readOnly = false;
  #loom: Loom;
  #seq: number;
  /** The writer of the turn running now, or null between turns. */
  #turn: PgSession | null = null;
  /** Turns and catch-ups of this process, one at a time: both move `#loom` and `#seq`. */
  #queue: Promise<unknown> = Promise.resolve();
  /** Set when a turn's commit failed: memory may be ahead of the rows, so the next turn reads them again. */
  #stale = false;
  #closed = false;
  #unlisten: (() => Promise<void>) | null = null;
  #poll: NodeJS.Timeout | null = null;
  /** Whether the last poll failed (warned once per outage, not every poll). */
  #pollFailing = false;
  readonly #listeners = new Set<(change: RemoteChange) => void>();

  private constructor(
    private readonly parts: SharedParts,
    loom: Loom,
    seq: number,
    private readonly options: StoreOpenOptions,
  ) {
    this.#loom = loom;
    this.#seq = seq;
  }

  /** Read session `parts.id` and start following its commits. */
  static async open(parts: SharedParts, options: StoreOpenOptions): Promise<PgSharedSession> {
    // Listening starts before the read, so no commit falls between the two (one seen twice is skipped by its seq).
    let session: PgSharedSession | null = null;
    const early: number[] = [];
    // A resync before the session exists changes nothing: the rows are read after listening started.
    const unlisten = await parts.listen(
      (seq) => (session ? session.followTo(seq) : early.push(seq)),
      () => session?.followTo(Number.POSITIVE_INFINITY),
    );
    try {
      const stored = await readSessionRows(parts.reader, parts.id, parts.where);
      if (!stored) throw notASession(parts.id, parts.where);
      session = new PgSharedSession(parts, stored.loom, stored.seq, options);
      session.#unlisten = unlisten;
      for (const seq of early) session.followTo(seq);
      session.startPolling();
      return session;
    } catch (error) {
      await unlisten();
      throw error;
    }
  }

  get dir(): string {
    return this.parts.where;
  }

  get loom(): Loom {
    return this.#loom;
  }

  get seq(): number {
    return this.#seq;
  }

  onRemoteChange(listener: (change: RemoteChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Ask the database for the session's seq now and then: a commit whose NOTIFY was lost is caught up on too. */
  private startPolling(): void {
    const { reader, id, followPollMs } = this.parts;
    this.#poll = setInterval(() => {
      if (this.#closed || this.#turn) return;
      reader<{ seq: string }[]>`select seq::text as seq from loom_sessions where id = ${id}`.then(
        ([row]) => {
          this.#pollFailing = false;
          if (row) this.followTo(Number(row.seq));
        },
        (error: unknown) => {
          if (!this.#pollFailing)
            this.warn(`could not ask for the session's latest commit: ${(error as Error).message}`);
          this.#pollFailing = true;
        },
      );
    }, followPollMs);
    this.#poll.unref();
  }

  /** Another process committed up to `seq` (or an unknown seq: infinity): apply its ops between our turns. */
  private followTo(seq: number): void {
    if (seq <= this.#seq || this.#closed) return;
    void this.serially(async () => {
      if (seq <= this.#seq || this.#closed || this.#turn) return;
      await this.catchUp(this.parts.reader);
    }).catch((error: unknown) => this.warn(`could not follow another process's commit: ${(error as Error).message}`));
  }

  /** Apply the ops committed after `#seq` (or read the rows again when some were compacted away). */
  private async catchUp(sql: Sql): Promise<void> {
    const ops = this.#stale ? null : await opsSince(sql, this.parts.id, this.#seq, this.parts.where);
    if (ops === null) {
      const stored = await readSessionRows(sql, this.parts.id, this.parts.where);
      if (!stored) throw notASession(this.parts.id, this.parts.where);
      this.#loom = stored.loom;
      this.#seq = stored.seq;
      this.#stale = false;
      this.emit({ seq: stored.seq, ops: null });
      return;
    }
    if (ops.length === 0) return;
    for (const { op } of ops) applyOp(this.#loom, op);
    this.#seq = ops[ops.length - 1]!.seq;
    this.emit({ seq: this.#seq, ops: ops.map((o) => o.op) });
  }

  private emit(change: RemoteChange): void {
    for (const listener of this.#listeners) listener(change);
  }

  write<T>(action: () => Promise<T>): Promise<T> {
    this.assertOpen("write");
    // The caller hears as soon as the turn's ops are committed; releasing the lock follows, still in the queue.
    return new Promise<T>((resolve, reject) => {
      void this.serially(async () => {
        const { writer, id, where, now, lockWaitMs } = this.parts;
        try {
          await lockSessionWaiting(writer, id, where, now, lockWaitMs, this.parts.reader);
        } catch (error) {
          reject(error);
          return;
        }
        try {
          resolve(await this.turnOf(action));
        } catch (error) {
          reject(error);
        } finally {
          await unlockSession(writer, id).catch(() => {});
        }
      });
    });
  }

  /** The body of a turn, under the lock: catch up, run the action as the writer, commit what it applied. */
  private async turnOf<T>(action: () => Promise<T>): Promise<T> {
    const { writer, id, where } = this.parts;
    await this.catchUp(writer);
    const turn = new PgSession(where, this.#loom, this.#seq, id, writer, this.parts.reader, this.options);
    this.#turn = turn;
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = { value: await action() };
    } catch (error) {
      outcome = { error };
    }
    this.#turn = null;
    // What the action applied in memory is committed even when it then failed, as a file session keeps it.
    try {
      await turn.flush();
      this.#seq = turn.seq;
    } catch (error) {
      this.#stale = true;
      throw error;
    } finally {
      for (const w of turn.warnings) this.warn(w);
    }
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  }

  private assertOpen(what: string): void {
    if (this.#closed) throw new IoError("session_closed", `cannot ${what}: the session is closed`, { file: this.dir });
  }

  /** The running turn's writer; outside a turn nothing may be written. */
  private turn(what: string): PgSession {
    this.assertOpen(what);
    if (!this.#turn) {
      throw new IoError(
        "read_only",
        `cannot ${what} outside a write turn: this session is shared by several processes (call write())`,
        { file: this.dir },
      );
    }
    return this.#turn;
  }

  mutate<R extends MutationResult>(fn: (loom: Loom) => R): R {
    return this.turn("commit").mutate(fn);
  }

  async flush(): Promise<void> {
    await this.#turn?.flush();
  }

  async readState<T>(name: string): Promise<T | null> {
    if (this.#turn) return this.#turn.readState<T>(name);
    return this.readOnlyView().readState<T>(name);
  }

  async stateNames(): Promise<string[]> {
    if (this.#turn) return this.#turn.stateNames();
    return this.readOnlyView().stateNames();
  }

  /** Inside a turn it joins the turn; otherwise it takes a turn of its own (side state is written under the lock too). */
  async writeState(name: string, value: unknown): Promise<void> {
    if (this.#turn) return this.#turn.writeState(name, value);
    await this.write(async () => this.turn("write state").writeState(name, value));
  }

  async compact(): Promise<void> {
    if (this.#turn) return this.#turn.compact();
    await this.write(async () => this.turn("compact").compact());
  }

  private readOnlyView(): PgSession {
    const { where, id, reader } = this.parts;
    return new PgSession(where, this.#loom, this.#seq, id, null, reader, { readOnly: true });
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.options.onWarning?.(message);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#poll) clearInterval(this.#poll);
    try {
      await this.#queue;
      await this.#unlisten?.();
    } finally {
      await this.parts.writer.end({ timeout: 5 });
    }
  }
}
