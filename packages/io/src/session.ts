// A session on disk: the live loom, O(1) journaled commits, manifest lines, side state, compaction and the write lock.
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { findInvariantViolations, LoomSchema, type DecisionEvent, type Loom, type LoomOp } from "@loom/core";
import { appendBytes, openFile } from "./append-file.js";
import { fsyncDir, fsyncDirSync, writeFileAtomic, writeFileAtomicSync } from "./atomic-write.js";
import { JOURNAL_FILE, MANIFEST_FILE, SNAPSHOT_FILE, STATE_DIR, STATE_FORMAT, STATE_VERSION } from "./formats.js";
import { nodeFiles, type FileLayer } from "./file-layer.js";
import { GROUP_COMMIT_MS, GroupCommit } from "./group-commit.js";
import { IoError } from "./io-error.js";
import { writeNextJournal } from "./journal-swap.js";
import { journalRecord } from "./journal-record.js";
import { sealJson, sealPieces } from "./line-seal.js";
import { loadSessionFiles, type LoadedSession } from "./load-session.js";
import { finalizedBy, manifestLine } from "./manifest-line.js";
import type { MigrationRegistry } from "./migrations.js";
import { acquireLock, type SessionLock } from "./session-lock.js";
import { isDamagedState, readStateFile, STATE_NAME, statePathOf } from "./state-file.js";
import { repairAfterLoad } from "./session-repair.js";
import { pathExists } from "./session-exists.js";
import { SnapshotEncoder } from "./snapshot-codec.js";
import { openedEncoder } from "./session-encoder.js";
import { parseOrThrow } from "./zod-issue.js";
import { removeStaleTemps } from "./stale-temps.js";

export interface SessionOptions {
  /** Called with each warning (a dropped torn line, a repaired manifest) as well as collecting it in `warnings`. */
  onWarning?: (warning: string) => void;
  /**
   * Durability against power loss (see the package README). Every commit survives `kill -9` of this
   * process once `mutate` returns: it is in the kernel's page cache. Against power loss or a kernel crash,
   * by default the journal and manifest are fsynced by group commit, at most `groupCommitMs` after each
   * commit, so at most the commits of that window can be lost; `durable: true` fsyncs every commit (and side
   * state) before `mutate` returns, at a cost of milliseconds each. Snapshots, the lock and every rename are
   * always fsynced with their directory.
   */
  durable?: boolean;
  /** The former name of `durable`. */
  fsync?: boolean;
  /** Group commit window in milliseconds (default 100). */
  groupCommitMs?: number;
  /** The file operations writes go through (Node's by default; tests inject faults here). */
  files?: FileLayer;
  /**
   * Compact (snapshot + journal truncation) once the journal has grown past max(this many bytes, the
   * journal bytes that replay as long as the snapshot loads: see JOURNAL_BYTES_PER_SNAPSHOT_BYTE). Growing
   * with the snapshot keeps compaction's cost amortised O(1) per commit however big the loom gets. `false`
   * compacts only on close/compact().
   */
  compactAfterBytes?: number | false;
  migrations?: MigrationRegistry;
  /** Deflate the snapshot's record frames (the default; "auto" is the same). false only to inspect the bytes. */
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
  /** The names of the side state kept with the session, sorted. */
  stateNames(): Promise<string[]>;
  /** Write an atomic snapshot and truncate the journal to the ops after it. */
  compact(): Promise<void>;
  /**
   * Resolves once every op `mutate` has returned so far is as durable as this session can make it: for the
   * files, fsynced (it is already kept across `kill -9` when `mutate` returns); for a store that commits
   * asynchronously (PostgreSQL), committed. Rejects if a write failed (the session is then broken).
   */
  flush(): Promise<void>;
  /** Wait for compaction, compact, release the lock. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_COMPACT_AFTER_BYTES = 8 * 1024 * 1024;

/**
 * Journal bytes that take as long to replay at open as one byte of the snapshot's yardstick (its records'
 * JSON, what a load parses) takes to load. Measured 2026-12-02 (bench/MEASUREMENTS.md) by opening sessions of
 * 26,001 and 100,001 realistic nodes with their last 2,000 decisions in the journal and then compacted:
 * replay 52 / 38 ns a journal byte, load 34 / 26 ns a yardstick byte. Compacting once the journal's replay
 * would take as long as the snapshot's load bounds an open at twice the snapshot's load time (or the
 * snapshot's plus the floor's replay, ~0.3-0.4 s for 8 MB here). The yardstick alone (format 6 halved it
 * against format 5's) let the journal's replay reach about 1.5 times the snapshot's load.
 */
const JOURNAL_BYTES_PER_SNAPSHOT_BYTE = 0.7;

class DiskSession implements Session {
  readonly warnings: string[];
  private journalFd: number | null = null;
  private manifestFd: number | null = null;
  private closed = false;
  private broken: Error | null = null;
  private compacting: Promise<void> | null = null;
  /** Journal lines written while a compaction is between its snapshot and its journal swap. */
  private tail: Buffer[] | null = null;
  private journalBytes: number;
  private snapshotBytes: number;
  private lastSnapshotSeq: number;
  private compactScheduled = false;
  /** Bytes in manifest.ndjson, or null once an append failed (the next snapshot then asks for a full audit). */
  private manifestBytes: number | null;
  /** Length of manifest.ndjson as this session wrote it; a failed append is cut back to it. */
  private manifestLength: number;
  /** Set once a failed manifest append could not be cut back: no more lines (the next open appends the missing ones). */
  private manifestStopped = false;
  private readonly commit: GroupCommit;
  private readonly files: FileLayer;
  /** Decisions already listed in the manifest after the offset the snapshot vouches for: never listed twice. */
  private readonly listed: Set<string>;

  constructor(
    readonly dir: string,
    readonly loom: Loom,
    private _seq: number,
    private readonly lock: SessionLock | null,
    private readonly options: SessionOptions,
    /** Re-encodes only what changed since the last snapshot; told of every op in mutate(). */
    private readonly encoder: SnapshotEncoder,
    init: {
      warnings: string[];
      journalBytes: number;
      snapshotBytes: number;
      snapshotSeq: number;
      manifestBytes: number | null;
      listed?: Set<string>;
    },
  ) {
    this.warnings = init.warnings;
    this.manifestBytes = init.manifestBytes;
    this.manifestLength = init.manifestBytes ?? 0;
    this.listed = init.listed ?? new Set();
    this.files = options.files ?? nodeFiles;
    this.commit = new GroupCommit(this.files, options.groupCommitMs ?? GROUP_COMMIT_MS, (error) => {
      // The kernel could not write back what we appended: the session can no longer promise durability.
      this.broken ??= error;
      this.warn(`could not fsync the session's files: ${error.message}`);
    });
    this.journalBytes = init.journalBytes;
    this.snapshotBytes = init.snapshotBytes;
    this.lastSnapshotSeq = init.snapshotSeq;
    if (lock) {
      this.journalFd = openFile(join(dir, JOURNAL_FILE), "open the journal", "a", this.files);
      try {
        this.manifestFd = openFile(join(dir, MANIFEST_FILE), "open the manifest", "a", this.files);
      } catch (error) {
        this.files.closeSync(this.journalFd);
        throw error;
      }
    }
  }

  /** This session's option, else the loom's own setting (`config.durable`, e.g. from `loom new --durable`). */
  private get durable(): boolean {
    return this.options.durable ?? this.options.fsync ?? this.loom.config.durable;
  }

  /** Make an append durable now (durable mode) or within the group-commit window. */
  private synced(fd: number): void {
    if (this.durable) this.files.fsyncSync(fd);
    else this.commit.dirty(fd);
  }

  get readOnly(): boolean {
    return this.lock === null;
  }

  get seq(): number {
    return this._seq;
  }

  private assertWritable(what: string): void {
    if (this.closed) throw new IoError("session_closed", `cannot ${what}: the session is closed`, { file: this.dir });
    if (this.readOnly)
      throw new IoError("read_only", `cannot ${what}: the session was opened read-only`, { file: this.dir });
    if (this.broken) {
      throw new IoError(
        "session_broken",
        `cannot ${what}: an earlier write failed (${this.broken.message}); reopen the session`,
        {
          file: this.dir,
          cause: this.broken,
        },
      );
    }
  }

  mutate<R extends MutationResult>(fn: (loom: Loom) => R): R {
    this.assertWritable("commit");
    const result = fn(this.loom);
    const op: LoomOp =
      typeof (result as { op: unknown }).op === "string" ? (result as LoomOp) : (result as { op: LoomOp }).op;
    const seq = this._seq + 1;
    const record = journalRecord(op, seq);
    const line = record.bytes;
    let bytes: number;
    try {
      bytes = appendBytes(this.journalFd!, line, this.files);
      this.synced(this.journalFd!);
    } catch (error) {
      // The op is applied in memory but not on disk: refuse further commits rather than drift apart, and
      // cut off whatever part of the line was written (a disk filling up mid-write), if the disk lets us.
      this.broken = error as Error;
      try {
        this.files.ftruncateSync(this.journalFd!, this.journalBytes);
      } catch {}
      const why = IoError.fromSystem(error, join(this.dir, JOURNAL_FILE), "append to the journal").message;
      throw new IoError(
        "session_broken",
        `${why.slice(why.indexOf("cannot"))}; the last step was not saved, reopen the session`,
        {
          file: join(this.dir, JOURNAL_FILE),
          cause: error,
        },
      );
    }
    this._seq = seq;
    this.journalBytes += bytes;
    // A record in a reused buffer is copied only if a compaction needs it later.
    this.tail?.push(record.owned ? line : Buffer.from(line));
    this.encoder.noteOp(op, this.loom, record);
    const final = finalizedBy(this.loom, op);
    if (final) this.appendManifest(final);
    this.maybeScheduleCompaction();
    return result;
  }

  /** Written after the journal: a crash between the two leaves a missing line, appended on the next open. */
  private appendManifest(final: DecisionEvent): void {
    if (this.manifestStopped) return;
    if (this.listed.has(final.id)) {
      this.warn(`decision ${final.id} already has a manifest line; it is not written twice (see \`loom fsck\`)`);
      return;
    }
    try {
      // Sealed as bytes: the line is converted to UTF-8 once, for its checksum and its write alike.
      const json = JSON.stringify(manifestLine(this.loom, final));
      const written = appendBytes(this.manifestFd!, sealPieces(json.slice(0, -1), null, ""), this.files);
      this.manifestLength += written;
      if (this.manifestBytes !== null) this.manifestBytes += written;
      this.synced(this.manifestFd!);
    } catch (error) {
      // A disk filling up can leave part of the line: cut it off, or later lines would land behind torn bytes.
      this.manifestBytes = null;
      try {
        this.files.ftruncateSync(this.manifestFd!, this.manifestLength);
      } catch {
        this.manifestStopped = true;
      }
      this.warn(
        `could not append to the manifest (the line is added on the next open): ${IoError.fromSystem(error, join(this.dir, MANIFEST_FILE), "append").message}`,
      );
    }
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.options.onWarning?.(message);
  }

  private maybeScheduleCompaction(): void {
    const min = this.options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
    if (min === false || this.compactScheduled || this.compacting) return;
    if (this.journalBytes < Math.max(min, this.snapshotBytes * JOURNAL_BYTES_PER_SNAPSHOT_BYTE)) return;
    this.compactScheduled = true;
    // Off the commit's path: the caller's commit returns now; the snapshot is taken on a later tick.
    setImmediate(() => {
      this.compactScheduled = false;
      if (this.closed || this.broken) return;
      this.compact().catch((error: unknown) =>
        this.warn(`background compaction failed (the journal still holds every op): ${(error as Error).message}`),
      );
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
      let seq = this._seq;
      let encoded = this.encodeNow(seq);
      this.tail = [];
      try {
        let pieces: Buffer[];
        try {
          pieces = await encoded.finish();
        } catch (error) {
          // A frame copied from the snapshot read at open failed its check again: never copied on. The loom in
          // memory is whole, so the snapshot is encoded afresh from it, at the seq reached by now.
          if (!IoError.isInstance(error) || error.code !== "damaged") throw error;
          this.warn(`the previous snapshot changed on disk since it was read (${error.message}); encoding it afresh`);
          this.encoder.forget();
          seq = this._seq;
          encoded = this.encodeNow(seq);
          this.tail = [];
          pieces = await encoded.finish();
        }
        await writeFileAtomic(join(this.dir, SNAPSHOT_FILE), pieces, { files: this.files });
        // The snapshot now covers every op up to seq. Swap in a journal holding only the later ones: those
        // committed so far are written and fsynced off the event loop while commits go on (to the old
        // journal and to `tail`); the rest are appended and the file renamed over the journal in one
        // synchronous step, so no commit lands between taking the tail and switching descriptors.
        const journalPath = join(this.dir, JOURNAL_FILE);
        const ready = this.tail.length;
        const next = await writeNextJournal(journalPath, this.tail.slice(0, ready), this.files);
        const more = this.tail.slice(ready);
        try {
          next.install(more);
        } catch (error) {
          throw IoError.fromSystem(error, journalPath, "replace the journal");
        }
        this.commit.retire(this.journalFd!);
        this.journalFd = next.fd;
        this.journalBytes = next.bytes;
        // Compare the journal with the uncompressed snapshot: that is what a load has to parse.
        this.snapshotBytes = encoded.jsonLength;
        this.lastSnapshotSeq = seq;
        // The lines appended at install, and the rename, reach stable storage as the durability mode says:
        // before the next commit returns (durable), or within the group-commit window.
        if (this.durable) {
          if (more.length > 0) this.files.fsyncSync(next.fd);
          fsyncDirSync(this.dir, this.files);
        } else {
          if (more.length > 0) this.commit.dirty(next.fd);
          await fsyncDir(this.dir, this.files).catch((error: Error) => {
            this.broken ??= error;
            this.warn(`could not fsync the session's directory after replacing the journal: ${error.message}`);
            throw error;
          });
        }
      } finally {
        this.tail = null;
      }
    };
    this.compacting = run().finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  private encodeNow(seq: number) {
    return this.encoder.encode(seq, this.loom, {
      compress: this.options.compressSnapshots !== false,
      manifestBytes: this.manifestBytes,
    });
  }

  private statePath(name: string): string {
    return statePathOf(this.dir, name);
  }

  /**
   * Side state is auxiliary (usage totals, an agent's conversation): a damaged file must not block the
   * session. It is reported, set aside as `<name>.json.damaged` by a writer (kept for inspection), and read
   * as absent. A file from a newer Loom is not damage: that still throws.
   */
  async readState<T>(name: string): Promise<T | null> {
    const file = this.statePath(name);
    try {
      return (await readStateFile(file, this.options.migrations)) as T | null;
    } catch (error) {
      if (!isDamagedState(error)) throw error;
      let kept = "";
      if (!this.readOnly && !this.closed) {
        try {
          this.files.renameSync(file, `${file}.damaged`);
          kept = `; kept as ${file}.damaged`;
        } catch {}
      }
      this.warn(`${error.message}: side state "${name}" starts afresh${kept}`);
      return null;
    }
  }

  async stateNames(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(join(this.dir, STATE_DIR));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw IoError.fromSystem(error, join(this.dir, STATE_DIR), "list side state");
    }
    // Only what readState can read: `<name>.json` (temp files and set-aside `.damaged` copies are not state).
    return names
      .filter((n) => n.endsWith(".json"))
      .map((n) => n.slice(0, -".json".length))
      .filter((n) => STATE_NAME.test(n))
      .sort();
  }

  async writeState(name: string, value: unknown): Promise<void> {
    this.assertWritable("write state");
    const file = this.statePath(name);
    const text = JSON.stringify({ format: STATE_FORMAT, version: STATE_VERSION, name, value }, null, 2);
    if (text === undefined)
      throw new IoError("invalid_field", "the state value is not JSON-serialisable", { file, field: "value" });
    // Durable against kill -9 like every commit; fsynced only when the session was asked for power-loss
    // durability too (SessionOptions.fsync). Without fsync the write is a few fast syscalls, done
    // synchronously: as async calls they waited behind compaction's work in libuv's thread pool, and the
    // session loop, which saves usage at the end of every run, waited with them.
    try {
      if (this.durable) {
        this.files.mkdirSync(join(this.dir, STATE_DIR));
        await writeFileAtomic(file, text + "\n", { files: this.files });
      } else {
        this.files.mkdirSync(join(this.dir, STATE_DIR));
        writeFileAtomicSync(file, text + "\n", { fsync: false, files: this.files });
      }
    } catch (error) {
      throw IoError.fromSystem(error, file, "write side state");
    }
  }

  async flush(): Promise<void> {
    if (this.broken) throw this.broken;
    if (this.closed || this.readOnly) return;
    this.commit.flushSync();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // Even a broken session waits for a compaction in flight: it renames files, which must not happen
      // after the lock is released and another writer has opened the session.
      if (this.compacting) await this.compacting.catch(() => {});
      if (!this.readOnly && !this.broken) await this.compactNow();
    } finally {
      try {
        if (!this.readOnly && !this.broken) this.commit.flushSync();
      } finally {
        await this.commit.drain();
        if (this.journalFd !== null) this.commit.retire(this.journalFd);
        if (this.manifestFd !== null) this.commit.retire(this.manifestFd);
        this.journalFd = this.manifestFd = null;
        this.lock?.release();
      }
    }
  }
}

/** The loom, parsed and checked against the invariants before it is stored at `file` (errors name it and the field). */
export function validateLoomToStore(loom: Loom, file: string): Loom {
  const parsed = parseOrThrow(LoomSchema, loom, { file, prefix: "loom" }, "the loom to store");
  const v = findInvariantViolations(parsed)[0];
  if (v) {
    throw new IoError("invariant", `the loom to store is inconsistent: ${v.field} ${v.message}`, {
      file,
      field: `loom.${v.field}`,
    });
  }
  return parsed;
}

/** Make `dir` a new session holding `loom` (validated), locked for writing by this process. */
export async function createSession(dir: string, loom: Loom, options: SessionOptions = {}): Promise<Session> {
  const valid = validateLoomToStore(loom, join(dir, SNAPSHOT_FILE));
  await mkdir(dir, { recursive: true });
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  if (await pathExists(snapshotPath)) {
    throw new IoError(
      "session_exists",
      "a session already exists here; open it with openSession, or pick an empty directory",
      { file: snapshotPath },
    );
  }
  const lock = acquireLock(dir);
  try {
    if (await pathExists(snapshotPath)) {
      throw new IoError("session_exists", "a session already exists here", { file: snapshotPath });
    }
    // Journal and manifest first, the snapshot last: its presence is what makes the directory a session.
    const files = options.files ?? nodeFiles;
    writeFileAtomicSync(join(dir, JOURNAL_FILE), "", { files });
    const manifest = Object.values(valid.decisions)
      .filter((d) => d.action === "choose" || d.action === "stop")
      .sort((a, b) => ((a.resolvedAt ?? "") < (b.resolvedAt ?? "") ? -1 : 1))
      .map((d) => sealJson(JSON.stringify(manifestLine(valid, d))) + "\n")
      .join("");
    writeFileAtomicSync(join(dir, MANIFEST_FILE), manifest, { files });
    const manifestBytes = Buffer.byteLength(manifest);
    const encoder = new SnapshotEncoder();
    const encoded = encoder.encode(0, valid, { compress: options.compressSnapshots !== false, manifestBytes });
    await writeFileAtomic(snapshotPath, await encoded.finish(), { files });
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
export async function readSession(
  dir: string,
  options: { migrations?: MigrationRegistry } = {},
): Promise<{ loom: Loom; warnings: string[] }> {
  const loaded = await loadSessionFiles(dir, options);
  return { loom: loaded.loom, warnings: loaded.warnings };
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
    if (lock) removeStaleTemps(dir);
    const repaired = lock ? repairAfterLoad(dir, loaded, options.files ?? nodeFiles) : null;
    const session = new DiskSession(
      dir,
      loaded.loom,
      repaired?.seq ?? loaded.seq,
      lock,
      options,
      lock ? openedEncoder(dir, loaded, options.compressSnapshots !== false) : new SnapshotEncoder(),
      {
        warnings: loaded.warnings,
        // Every byte of the journal counts towards the next compaction, including lines the snapshot covers.
        journalBytes: repaired?.journalBytes ?? loaded.journal.goodLength,
        snapshotBytes: loaded.snapshotBytes,
        snapshotSeq: loaded.migrated ? -1 : loaded.seq,
        manifestBytes: repaired?.manifestBytes ?? null,
        listed: loaded.manifest.listed,
      },
    );
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
  if (!(await pathExists(join(dir, SNAPSHOT_FILE)))) {
    throw new IoError("not_a_session", "no session here: the snapshot file is missing", {
      file: join(dir, SNAPSHOT_FILE),
      expected: "a session directory made by createSession (or importSession)",
    });
  }
}
