// A session on disk: the live loom, O(1) journaled commits, manifest lines, side state, compaction and the write lock.
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, writeSync } from "node:fs";
import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { findInvariantViolations, LoomSchema, type Loom, type LoomOp } from "@loom/core";
import { fsyncDirSync, writeFileAtomic, writeFileAtomicSync } from "./atomic-write.js";
import {
  JOURNAL_FILE,
  JOURNAL_VERSION,
  MANIFEST_FILE,
  SNAPSHOT_FILE,
  STATE_DIR,
  STATE_FORMAT,
  STATE_VERSION,
  StateFileSchema,
} from "./formats.js";
import { IoError } from "./io-error.js";
import { loadSessionFiles, type LoadedSession } from "./load-session.js";
import { finalizedBy, manifestLine } from "./manifest-line.js";
import { migrate, type MigrationRegistry } from "./migrations.js";
import { acquireLock, type SessionLock } from "./session-lock.js";
import { encodeOp, SnapshotEncoder } from "./snapshot-codec.js";
import { parseOrThrow } from "./zod-issue.js";

export interface SessionOptions {
  /** Called with each warning (a dropped torn line, a repaired manifest) as well as collecting it in `warnings`. */
  onWarning?: (warning: string) => void;
  /**
   * fsync the journal after every commit, and side state (writeState) before it replaces the old file.
   * Off by default: a commit is on its way to disk once `write` returns, which survives `kill -9` of
   * this process (the kernel holds the page); fsync only adds protection against power loss or a kernel
   * crash, at a cost of milliseconds per commit. Snapshots are always fsynced (they are written off the
   * commit path).
   */
  fsync?: boolean;
  /**
   * Compact (snapshot + journal truncation) once the journal has grown past
   * max(this many bytes, the snapshot's size). Growing with the snapshot keeps compaction's cost
   * amortised O(1) per commit however big the loom gets. `false` compacts only on close/compact().
   */
  compactAfterBytes?: number | false;
  migrations?: MigrationRegistry;
  /** gzip snapshots: true, false, or "auto" (the default: once the JSON reaches 1 MiB). Reading accepts both. */
  compressSnapshots?: boolean | "auto";
}

export interface OpenSessionOptions extends SessionOptions {
  /** Open without the lock; mutate/compact/writeState then throw. */
  readOnly?: boolean;
}

type MutationResult = LoomOp | { op: LoomOp };

export interface Session {
  readonly dir: string;
  /** The live in-memory loom; never mutate it directly (use `mutate`). */
  readonly loom: Loom;
  /** Warnings from loading (a torn last journal line that was dropped, a repaired manifest…). */
  readonly warnings: string[];
  readonly readOnly: boolean;
  /** The seq of the last committed op. */
  readonly seq: number;
  /** Run one core operation against the loom and journal the op it returns: an O(1) append. */
  mutate<R extends MutationResult>(fn: (loom: Loom) => R): R;
  /** Side state kept with the session (agent conversation, usage…), read from state/<name>.json. */
  readState<T>(name: string): Promise<T | null>;
  /** Write side state atomically as JSON. */
  writeState(name: string, value: unknown): Promise<void>;
  /** Write an atomic snapshot and truncate the journal to the ops after it. */
  compact(): Promise<void>;
  /** Wait for compaction, compact, release the lock. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_COMPACT_AFTER_BYTES = 8 * 1024 * 1024;

/** Append all of `text`; returns its length in bytes. Written as a string: no Buffer to allocate and copy per commit. */
function appendAll(fd: number, text: string): number {
  const bytes = Buffer.byteLength(text);
  const first = writeSync(fd, text);
  if (first < bytes) {
    // A short write (rare for regular files): finish from the byte where it stopped.
    const buf = Buffer.from(text, "utf8");
    let off = first;
    while (off < bytes) off += writeSync(fd, buf, off, bytes - off);
  }
  return bytes;
}

const STATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

class DiskSession implements Session {
  readonly warnings: string[];
  private journalFd: number | null = null;
  private manifestFd: number | null = null;
  private closed = false;
  private broken: Error | null = null;
  private compacting: Promise<void> | null = null;
  /** Journal lines written while a compaction is between its snapshot and its journal swap. */
  private tail: string[] | null = null;
  private journalBytes: number;
  private snapshotBytes: number;
  private lastSnapshotSeq: number;
  private compactScheduled = false;
  /** Bytes in manifest.ndjson, or null once an append failed (the next snapshot then asks for a full audit). */
  private manifestBytes: number | null;

  constructor(
    readonly dir: string,
    readonly loom: Loom,
    private _seq: number,
    private readonly lock: SessionLock | null,
    private readonly options: SessionOptions,
    /** Re-encodes only what changed since the last snapshot; told of every op in mutate(). */
    private readonly encoder: SnapshotEncoder,
    init: { warnings: string[]; journalBytes: number; snapshotBytes: number; snapshotSeq: number; manifestBytes: number | null },
  ) {
    this.warnings = init.warnings;
    this.manifestBytes = init.manifestBytes;
    this.journalBytes = init.journalBytes;
    this.snapshotBytes = init.snapshotBytes;
    this.lastSnapshotSeq = init.snapshotSeq;
    if (lock) {
      this.journalFd = openSync(join(dir, JOURNAL_FILE), "a");
      this.manifestFd = openSync(join(dir, MANIFEST_FILE), "a");
    }
  }

  get readOnly(): boolean {
    return this.lock === null;
  }

  get seq(): number {
    return this._seq;
  }

  private assertWritable(what: string): void {
    if (this.closed) throw new IoError("session_closed", `cannot ${what}: the session is closed`, { file: this.dir });
    if (this.readOnly) throw new IoError("read_only", `cannot ${what}: the session was opened read-only`, { file: this.dir });
    if (this.broken) {
      throw new IoError("session_broken", `cannot ${what}: an earlier write failed (${this.broken.message}); reopen the session`, {
        file: this.dir,
        cause: this.broken,
      });
    }
  }

  mutate<R extends MutationResult>(fn: (loom: Loom) => R): R {
    this.assertWritable("commit");
    const result = fn(this.loom);
    const op: LoomOp = typeof (result as { op: unknown }).op === "string" ? (result as LoomOp) : (result as { op: LoomOp }).op;
    const seq = this._seq + 1;
    const encoded = encodeOp(op);
    const line = `{"version":${JOURNAL_VERSION},"seq":${seq},"op":${encoded.json}}\n`;
    let bytes: number;
    try {
      bytes = appendAll(this.journalFd!, line);
      if (this.options.fsync) fsyncSync(this.journalFd!);
    } catch (error) {
      // The op is applied in memory but not on disk: refuse further commits rather than drift apart.
      this.broken = error as Error;
      throw new IoError("session_broken", `could not append to the journal: ${(error as Error).message}`, {
        file: join(this.dir, JOURNAL_FILE),
        cause: error,
      });
    }
    this._seq = seq;
    this.journalBytes += bytes;
    this.tail?.push(line);
    this.encoder.noteOp(op, this.loom, encoded);
    const final = finalizedBy(this.loom, op);
    if (final) {
      // Written after the journal: a crash between the two leaves a missing line, repaired on the next open.
      try {
        const text = JSON.stringify(manifestLine(this.loom, final)) + "\n";
        const written = appendAll(this.manifestFd!, text);
        if (this.manifestBytes !== null) this.manifestBytes += written;
        if (this.options.fsync) fsyncSync(this.manifestFd!);
      } catch (error) {
        this.manifestBytes = null;
        this.warn(`could not append to the manifest (repaired on the next open): ${(error as Error).message}`);
      }
    }
    this.maybeScheduleCompaction();
    return result;
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.options.onWarning?.(message);
  }

  private maybeScheduleCompaction(): void {
    const min = this.options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
    if (min === false || this.compactScheduled || this.compacting) return;
    if (this.journalBytes < Math.max(min, this.snapshotBytes)) return;
    this.compactScheduled = true;
    // Off the commit's path: the caller's commit returns now; the snapshot is taken on a later tick.
    setImmediate(() => {
      this.compactScheduled = false;
      if (this.closed || this.broken) return;
      this.compact().catch((error: unknown) => this.warn(`background compaction failed (the journal still holds every op): ${(error as Error).message}`));
    });
  }

  compact(): Promise<void> {
    this.assertWritable("compact");
    if (this.compacting) return this.compacting.then(() => this.compactNow());
    return this.compactNow();
  }

  private compactNow(): Promise<void> {
    if (this.compacting) return this.compacting;
    if (this._seq === this.lastSnapshotSeq && this.journalBytes === 0) return Promise.resolve();
    const run = async () => {
      // Serialise synchronously, so the snapshot is exactly the loom at `seq`.
      const seq = this._seq;
      const encoded = this.encoder.encode(seq, this.loom, {
        compress: this.options.compressSnapshots ?? "auto",
        manifestBytes: this.manifestBytes,
      });
      this.tail = [];
      try {
        const bytes = await encoded.finish();
        await writeFileAtomic(join(this.dir, SNAPSHOT_FILE), bytes);
        // The snapshot now covers every op up to seq. Swap in a journal holding only the later ones; this
        // part is synchronous so no commit lands between reading the tail and reopening the file.
        const rest = this.tail.join("");
        const journalPath = join(this.dir, JOURNAL_FILE);
        writeFileAtomicSync(journalPath, rest);
        closeSync(this.journalFd!);
        this.journalFd = openSync(journalPath, "a");
        this.journalBytes = Buffer.byteLength(rest);
        // Compare the journal with the uncompressed snapshot: that is what a load has to parse.
        this.snapshotBytes = encoded.jsonLength;
        this.lastSnapshotSeq = seq;
      } finally {
        this.tail = null;
      }
    };
    this.compacting = run().finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  private statePath(name: string): string {
    if (!STATE_NAME.test(name)) {
      throw new IoError("invalid_field", `invalid state name "${name}"`, {
        file: join(this.dir, STATE_DIR),
        field: "name",
        expected: "letters, digits, '.', '_' or '-', starting with a letter or digit",
      });
    }
    return join(this.dir, STATE_DIR, `${name}.json`);
  }

  async readState<T>(name: string): Promise<T | null> {
    const file = this.statePath(name);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new IoError("io", `cannot read: ${(error as Error).message}`, { file, cause: error });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new IoError("malformed_json", `not valid JSON (${(error as Error).message})`, { file, field: "(whole file)", expected: "a state file {format, version, name, value}" });
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new IoError("invalid_field", "is not a JSON object", { file, field: "(top level)", expected: "a state file {format, version, name, value}" });
    }
    const lifted = migrate("state", raw as Record<string, unknown>, { file }, this.options.migrations);
    const parsed = parseOrThrow(StateFileSchema, lifted.record, { file }, "the state file");
    return parsed.value as T;
  }

  async writeState(name: string, value: unknown): Promise<void> {
    this.assertWritable("write state");
    const file = this.statePath(name);
    const text = JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION, name, value }, null, 2);
    if (text === undefined) throw new IoError("invalid_field", "the state value is not JSON-serialisable", { file, field: "value" });
    // Durable against kill -9 like every commit; fsynced only when the session was asked for power-loss
    // durability too (SessionOptions.fsync). Without fsync the write is a few fast syscalls, done
    // synchronously: as async calls they waited behind compaction's work in libuv's thread pool, and the
    // session loop, which saves usage at the end of every run, waited with them.
    if (this.options.fsync) {
      await mkdir(join(this.dir, STATE_DIR), { recursive: true });
      await writeFileAtomic(file, text + "\n");
    } else {
      mkdirSync(join(this.dir, STATE_DIR), { recursive: true });
      writeFileAtomicSync(file, text + "\n", { fsync: false });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.readOnly && !this.broken) {
        if (this.compacting) await this.compacting.catch(() => {});
        await this.compactNow();
      }
    } finally {
      this.closed = true;
      if (this.journalFd !== null) closeSync(this.journalFd);
      if (this.manifestFd !== null) closeSync(this.manifestFd);
      this.journalFd = this.manifestFd = null;
      this.lock?.release();
    }
  }
}

function validateNewLoom(loom: Loom, dir: string): Loom {
  const parsed = parseOrThrow(LoomSchema, loom, { file: join(dir, SNAPSHOT_FILE), prefix: "loom" }, "the loom to store");
  const v = findInvariantViolations(parsed)[0];
  if (v) {
    throw new IoError("invariant", `the loom to store is inconsistent: ${v.field} ${v.message}`, {
      file: join(dir, SNAPSHOT_FILE),
      field: `loom.${v.field}`,
    });
  }
  return parsed;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Make `dir` a new session holding `loom` (validated), locked for writing by this process. */
export async function createSession(dir: string, loom: Loom, options: SessionOptions = {}): Promise<Session> {
  const valid = validateNewLoom(loom, dir);
  await mkdir(dir, { recursive: true });
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  if (await exists(snapshotPath)) {
    throw new IoError("session_exists", "a session already exists here; open it with openSession, or pick an empty directory", { file: snapshotPath });
  }
  const lock = acquireLock(dir);
  try {
    if (await exists(snapshotPath)) {
      throw new IoError("session_exists", "a session already exists here", { file: snapshotPath });
    }
    // Journal and manifest first, the snapshot last: its presence is what makes the directory a session.
    writeFileAtomicSync(join(dir, JOURNAL_FILE), "");
    const manifest = Object.values(valid.decisions)
      .filter((d) => d.action === "choose" || d.action === "stop")
      .sort((a, b) => ((a.resolvedAt ?? "") < (b.resolvedAt ?? "") ? -1 : 1))
      .map((d) => JSON.stringify(manifestLine(valid, d)) + "\n")
      .join("");
    writeFileAtomicSync(join(dir, MANIFEST_FILE), manifest);
    const manifestBytes = Buffer.byteLength(manifest);
    const encoder = new SnapshotEncoder();
    const encoded = encoder.encode(0, valid, { compress: options.compressSnapshots ?? "auto", manifestBytes });
    await writeFileAtomic(snapshotPath, await encoded.finish());
    return new DiskSession(dir, valid, 0, lock, options, encoder, {
      warnings: [],
      journalBytes: 0,
      snapshotBytes: encoded.jsonLength,
      snapshotSeq: 0,
      manifestBytes,
    });
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Read a session without locking it or writing anything. */
export async function readSession(dir: string, options: { migrations?: MigrationRegistry } = {}): Promise<{ loom: Loom; warnings: string[] }> {
  const loaded = await loadSessionFiles(dir, options);
  return { loom: loaded.loom, warnings: loaded.warnings };
}

/** Repair what a crash can leave behind, now that loading succeeded and we hold the lock. Returns the manifest's new length. */
function repairAfterLoad(dir: string, loaded: LoadedSession): number {
  const { journal, manifest } = loaded;
  if (journal.exists && journal.goodLength < journal.size) truncateTo(journal.path, journal.goodLength);
  if (!journal.exists) writeFileAtomicSync(journal.path, "");
  if (manifest.exists && manifest.goodLength < manifest.size) truncateTo(manifest.path, manifest.goodLength);
  let manifestBytes = manifest.goodLength;
  if (manifest.missing.length > 0 || !manifest.exists) {
    const fd = openSync(manifest.path, "a");
    try {
      const text = manifest.missing.map((d) => JSON.stringify(manifestLine(loaded.loom, d)) + "\n").join("");
      appendAll(fd, text);
      manifestBytes += Buffer.byteLength(text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  fsyncDirSync(dir);
  return manifestBytes;
}

function truncateTo(path: string, length: number): void {
  const fd = openSync(path, "r+");
  try {
    ftruncateSync(fd, length);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Open an existing session: for writing (takes the lock, repairs a torn tail) unless `readOnly`. */
export async function openSession(dir: string, options: OpenSessionOptions = {}): Promise<Session> {
  const lock = options.readOnly ? null : (await assertSessionDir(dir), acquireLock(dir));
  let loaded: LoadedSession;
  try {
    loaded = await loadSessionFiles(dir, options);
  } catch (error) {
    lock?.release();
    throw error;
  }
  for (const w of loaded.warnings) options.onWarning?.(w);
  try {
    const manifestBytes = lock ? repairAfterLoad(dir, loaded) : null;
    const session = new DiskSession(dir, loaded.loom, loaded.seq, lock, options, new SnapshotEncoder(), {
      warnings: loaded.warnings,
      // Every byte of the journal counts towards the next compaction, including lines the snapshot covers.
      journalBytes: loaded.journal.goodLength,
      snapshotBytes: loaded.snapshotBytes,
      snapshotSeq: loaded.migrated ? -1 : loaded.seq,
      manifestBytes,
    });
    // A session read through a migration is rewritten in the current format straight away.
    if (lock && loaded.migrated) await session.compact();
    return session;
  } catch (error) {
    lock?.release();
    throw error;
  }
}

async function assertSessionDir(dir: string): Promise<void> {
  // Check before locking, so opening a directory that is not a session leaves no lock file behind.
  if (!(await exists(join(dir, SNAPSHOT_FILE)))) {
    throw new IoError("not_a_session", "no session here: the snapshot file is missing", {
      file: join(dir, SNAPSHOT_FILE),
      expected: "a session directory made by createSession (or importSession)",
    });
  }
}
