// A session kept in PostgreSQL: the same Session contract as the files, its commits queued in order and group-committed.
import type { Loom, LoomOp } from "@loom/core";
import { IoError, type Session, type StoreOpenOptions } from "@loom/io";
import { historyMark, opFootprint } from "@loom/core/internal";
import { assertStateName } from "@loom/io/internal";
import type { Sql } from "postgres";
import { CommitBatch } from "./commit-batch.js";
import { PathTracker } from "./path-rows.js";
import { takeBackAfterLoss, unlockSession } from "./session-lock-pg.js";
import { writeBatch } from "./write-batch.js";

type MutationResult = LoomOp | { op: LoomOp };

/** Times a commit whose connection was lost is tried again on a new one (see PgSession.commitBatch), RETRY_MS apart. */
const TAKE_BACK_TRIES = 5;
const RETRY_MS = 500;

/**
 * `mutate` applies an op in memory and queues it; one transaction at a time writes every op queued since the
 * last (group commit), so ops land in order and each op wholly or not at all. `flush()` resolves once all ops
 * so far are committed: that is when a decision is acknowledged. A failed commit breaks the session (memory is
 * then ahead of the database): every later call throws, and the user reopens it.
 */
export class PgSession implements Session {
  readonly warnings: string[] = [];
  #seq: number;
  #batch: CommitBatch;
  readonly #path: PathTracker;
  #inFlight: Promise<void> | null = null;
  /** A batch start is queued for after the current synchronous run of mutates (see mutate). */
  #startQueued = false;
  /** The head as last committed (null before the first commit): an unchanged head is not sent again. */
  #lastHead: string | null = null;
  /** The current path's length as the last sealed batch writes it (the rows' at open). */
  #pathWritten: number;
  #broken: Error | null = null;
  #closed = false;

  constructor(
    readonly dir: string,
    readonly loom: Loom,
    seq: number,
    private readonly id: string,
    /** The writer's own connection (it holds the advisory lock), or null when read-only. */
    private readonly writer: Sql | null,
    /** The store's shared client, for a read-only session's reads. */
    private readonly reader: Sql,
    private readonly options: StoreOpenOptions,
    /** Hands the writer's connection back on close: `reusable` when the lock was released and nothing failed. */
    private readonly release: (writer: Sql, reusable: boolean) => Promise<void> = (writer) =>
      writer.end({ timeout: 5 }),
  ) {
    this.#seq = seq;
    this.#batch = new CommitBatch(seq);
    this.#path = new PathTracker(loom.currentPath);
    this.#pathWritten = loom.currentPath.length;
  }

  get readOnly(): boolean {
    return this.writer === null;
  }

  get seq(): number {
    return this.#seq;
  }

  private assertWritable(what: string): Sql {
    if (this.#closed) throw new IoError("session_closed", `cannot ${what}: the session is closed`, { file: this.dir });
    if (this.writer === null)
      throw new IoError("read_only", `cannot ${what}: the session was opened read-only`, { file: this.dir });
    if (this.#broken) {
      throw new IoError(
        "session_broken",
        `cannot ${what}: an earlier commit failed (${this.#broken.message}); reopen the session`,
        {
          file: this.dir,
          cause: this.#broken,
        },
      );
    }
    return this.writer;
  }

  mutate<R extends MutationResult>(fn: (loom: Loom) => R): R {
    this.assertWritable("commit");
    const before = historyMark(this.loom);
    const result = fn(this.loom);
    const op: LoomOp =
      typeof (result as { op: unknown }).op === "string" ? (result as LoomOp) : (result as { op: LoomOp }).op;
    this.#seq += 1;
    const footprint = opFootprint(op, this.loom, before);
    const pathFrom = this.#path.changedFrom(this.loom.currentPath, footprint && footprint.nodes);
    this.#batch.addOp(this.#seq, op, footprint, pathFrom);
    // Started once this synchronous run of mutates ends (a decision's candidates and its choice, made together, are
    // one transaction rather than two in a row), and never later than the caller's next await.
    if (!this.#startQueued) {
      this.#startQueued = true;
      queueMicrotask(() => {
        this.#startQueued = false;
        this.schedule();
      });
    }
    return result;
  }

  /** Start a transaction for the queued ops unless one is running (its end starts the next). */
  private schedule(): void {
    if (this.#inFlight || this.#batch.empty || this.#broken) return;
    const batch = this.#batch;
    this.#batch = new CommitBatch(batch.toSeq);
    // Sealed now, before any later op: the rows are read off the loom as of this batch's last op.
    const sealed = batch.seal(this.loom, this.#lastHead, this.#pathWritten);
    this.#pathWritten = this.loom.currentPath.length;
    this.#inFlight = this.commitBatch(sealed).then(
      () => {
        if (sealed.head !== null) this.#lastHead = sealed.head;
        batch.settle();
        this.#inFlight = null;
        this.schedule();
      },
      (error: unknown) => {
        const failure = IoError.isInstance(error)
          ? error
          : new IoError("session_broken", `could not commit to PostgreSQL: ${(error as Error).message}`, {
              file: this.dir,
              cause: error,
            });
        this.#broken ??= failure;
        this.#inFlight = null;
        this.warn(`the last ${batch.seqs.length} op(s) were not saved: ${failure.message}`);
        batch.settle(failure);
        this.#batch.settle(failure);
      },
    );
  }

  /**
   * Write `sealed`; when the writer's connection was lost before or during it (see takeBackAfterLoss), take the
   * session back on a new connection and write it again, up to TAKE_BACK_TRIES times, RETRY_MS apart. Nothing is
   * written twice: a batch that landed before its answer was lost is found by its ops in the session's rows.
   */
  private async commitBatch(sealed: ReturnType<CommitBatch["seal"]>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await writeBatch(this.writer!, this.id, sealed, this.dir);
      } catch (error) {
        // Also while closing: close() waits for this commit, the last of the session.
        if (attempt >= TAKE_BACK_TRIES) throw error;
        let back: Awaited<ReturnType<typeof takeBackAfterLoss>>;
        try {
          await new Promise((resolve) => setTimeout(resolve, attempt === 0 ? 0 : RETRY_MS));
          back = await takeBackAfterLoss(
            this.writer!,
            this.id,
            this.dir,
            () => new Date(),
            sealed.fromSeq,
            sealed.toSeq,
            sealed.ops,
          );
        } catch {
          // Not connected yet (a server restarting): try again, up to the last attempt.
          continue;
        }
        if (back.outcome === "committed") return;
        if (back.outcome === "lost") {
          if (!IoError.isInstance(error)) throw error;
          const said = error.message.startsWith(`${this.dir}: `)
            ? error.message.slice(this.dir.length + 2)
            : error.message;
          throw new IoError("session_broken", `${said} (${back.why})`, { file: this.dir, cause: error });
        }
        this.warn(
          `the connection to PostgreSQL was lost; the session was taken back and op(s) ${sealed.fromSeq + 1}-${sealed.toSeq} written again`,
        );
      }
    }
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.options.onWarning?.(message);
  }

  async flush(): Promise<void> {
    if (this.#broken) throw this.#broken;
    // The batch being filled is started once the running one ends; waiting on it covers both.
    const pending = this.#batch.empty ? null : this.#batch;
    if (this.#inFlight) await this.#inFlight;
    if (pending) await pending.done;
    if (this.#broken) throw this.#broken;
  }

  async readState<T>(name: string): Promise<T | null> {
    assertStateName(name, this.dir);
    const queued = this.#batch.state.get(name);
    if (queued !== undefined) return JSON.parse(queued) as T;
    await this.flush().catch(() => {});
    const sql = this.writer ?? this.reader;
    const [row] = await sql<{ value: string }[]>`select value::text as value from loom_state
      where session_id = ${this.id} and name = ${name}`;
    return row ? (JSON.parse(row.value) as T) : null;
  }

  async stateNames(): Promise<string[]> {
    await this.flush().catch(() => {});
    const rows = await (this.writer ?? this.reader)<{ name: string }[]>`select name from loom_state
      where session_id = ${this.id} order by name`;
    return [...new Set([...rows.map((r) => r.name), ...this.#batch.state.keys()])].sort();
  }

  async writeState(name: string, value: unknown): Promise<void> {
    this.assertWritable("write state");
    assertStateName(name, this.dir);
    const text = JSON.stringify(value);
    if (text === undefined)
      throw new IoError("invalid_field", "the state value is not JSON-serialisable", {
        file: this.dir,
        field: "value",
      });
    this.#batch.state.set(name, text);
    this.schedule();
    await this.flush();
  }

  /** The rows always hold the whole loom: compacting drops the ops they already hold. */
  async compact(): Promise<void> {
    const sql = this.assertWritable("compact");
    await this.flush();
    // Fenced as commits are: a writer whose connection was lost (and whose session another may have taken) deletes
    // nothing.
    await sql`delete from loom_ops where session_id = ${this.id} and seq <= ${this.#seq}
      and exists (select 1 from loom_sessions where id = ${this.id} and writer_backend = pg_backend_pid())`;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.writer) return;
    let reusable = false;
    try {
      await this.flush();
    } finally {
      try {
        if (!this.#broken) {
          await unlockSession(this.writer, this.id);
          reusable = true;
        }
      } finally {
        await this.release(this.writer, reusable);
      }
    }
  }
}
