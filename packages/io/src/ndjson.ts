// Reads an NDJSON file line by line in bounded chunks, verifies each line's checksum, and tells a torn last line (a crash mid-append) from a damaged one.
import { open, type FileHandle } from "node:fs/promises";
import { IoError } from "./io-error.js";
import { checkRecordFrame, decodeRecord, RECORD_MARK } from "./journal-record-read.js";
import { checkSeal } from "./line-seal.js";

export interface NdjsonLine {
  /** 1-based line number in the file. */
  line: number;
  value: Record<string, unknown>;
  /** Byte offsets of the line in the file (end excludes the newline). */
  start: number;
  end: number;
}

export interface NdjsonRead {
  /** Byte length of the whole lines: truncating to it drops a torn tail. */
  goodLength: number;
  size: number;
  /** Set when the file ends in a partial line that is not a whole sealed record: it was never acknowledged. */
  torn: { line: number; bytes: number } | null;
  /** The last line is whole (its checksum holds) but lacks its newline; a writer appends one before appending more. */
  missingNewline: boolean;
}

export interface NdjsonOptions {
  /** Only lines starting at or after this byte are parsed (the ones before are counted for line numbers). */
  from?: number;
  /**
   * Whether a line without a checksum is accepted: only records of the legacy versions (before lines were
   * sealed) may lack one. Default: lines whose `version` is below 2.
   */
  unsealedOk?: (value: Record<string, unknown>) => boolean;
  /**
   * Accept binary records (journal-record.ts) between the lines: each is checked and decoded into the line it
   * stands for. Only the journal holds them.
   */
  binaryRecords?: boolean;
  /** Report a damaged line instead of throwing (fsck keeps reading); the line is skipped. */
  onDamage?: (error: IoError, line: NdjsonLine | { line: number; start: number; end: number }) => void;
}

const NEWLINE = 0x0a;
const CHUNK = 4 * 1024 * 1024;
/** Journal and manifest lines are sealed from version 2 on; older lines were written without a checksum. */
const SEALED_FROM = 2;
const legacy = (v: Record<string, unknown>) => typeof v["version"] === "number" && v["version"] < SEALED_FROM;

/** Parse and check one line; throws IoError naming the file and line. */
function parseLine(
  buf: Buffer,
  start: number,
  end: number,
  file: string,
  line: number,
  options: NdjsonOptions,
): Record<string, unknown> {
  const seal = checkSeal(buf, start, end);
  if (seal === "damaged") {
    throw new IoError("checksum", `line ${line} fails its checksum: the file was damaged after it was written`, {
      file,
      line,
      field: "crc",
      expected: "the CRC-32 of the line's bytes before its crc key",
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(buf.toString("utf8", start, end));
  } catch (error) {
    throw new IoError("malformed_json", `line ${line} is not valid JSON (${(error as Error).message})`, {
      file,
      line,
      field: "(whole line)",
      expected: "one JSON object per line",
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new IoError("invalid_field", `line ${line} is not a JSON object`, {
      file,
      line,
      field: "(whole line)",
      expected: "one JSON object per line",
    });
  }
  const record = value as Record<string, unknown>;
  if (seal === "unsealed" && !(options.unsealedOk ?? legacy)(record)) {
    throw new IoError("checksum", `line ${line} has no checksum (its crc key is missing or damaged)`, {
      file,
      line,
      field: "crc",
      expected: 'a line ending in ,"crc":"<8 hex digits>"}',
    });
  }
  return record;
}

/**
 * Feeds the lines of a byte stream (given chunk by chunk) to `onLine`, holding at most one chunk plus one
 * line in memory. The last partial line is a whole record when its checksum holds (only its newline was
 * lost), and torn otherwise.
 */
class LineScanner {
  private rest: Buffer = Buffer.alloc(0);
  private restStart = 0;
  private lineNo = 0;
  private goodLength = 0;
  /**
   * Set from a damaged record or line until the next good one: what follows damage may be the inside of a
   * binary record whose start was lost, and its pieces (any not starting like a record) are one damage, not many.
   */
  private inDamage = false;

  constructor(
    private readonly file: string,
    private readonly options: NdjsonOptions,
    private readonly onLine: (line: NdjsonLine) => void,
  ) {}

  private handle(buf: Buffer, s: number, e: number, at: number): void {
    const folded = this.inDamage && this.options.binaryRecords && buf[s] !== 0x7b && buf[s] !== RECORD_MARK;
    if (!folded) this.lineNo++;
    const line = this.lineNo;
    if (at < (this.options.from ?? 0) || e === s) return;
    try {
      const value = parseLine(buf, s, e, this.file, line, this.options);
      this.inDamage = false;
      this.onLine({ line, value, start: at, end: at + (e - s) });
    } catch (error) {
      if (!this.options.onDamage || !IoError.isInstance(error)) throw error;
      if (!folded) this.options.onDamage(error, { line, start: at, end: at + (e - s) });
      this.inDamage = true;
    }
  }

  /** A whole binary record of `size` bytes (newline included) at buf[s], file offset `at`. */
  private handleRecord(buf: Buffer, s: number, size: number, at: number): void {
    this.lineNo++;
    const line = this.lineNo;
    if (at < (this.options.from ?? 0)) return;
    try {
      const value = decodeRecord(buf, s, size, this.file, line);
      this.inDamage = false;
      this.onLine({ line, value, start: at, end: at + size - 1 });
    } catch (error) {
      if (!this.options.onDamage || !IoError.isInstance(error)) throw error;
      this.options.onDamage(error, { line, start: at, end: at + size - 1 });
      this.inDamage = true;
    }
  }

  /** Report a binary record whose frame is damaged; `size` is its extent when known. */
  private damagedRecord(why: string, field: string, at: number, size: number | null): void {
    this.lineNo++;
    const line = this.lineNo;
    const error = new IoError(
      field === "crc" ? "checksum" : "damaged",
      `record ${line} (binary, at byte ${at}) ${why}`,
      {
        file: this.file,
        line,
        field,
        expected: "a binary journal record whose length, checksum and newline hold",
      },
    );
    if (!this.options.onDamage) throw error;
    this.options.onDamage(error, { line, start: at, end: at + (size ?? 1) - 1 });
    this.inDamage = true;
  }

  /** Take the next chunk, which starts at file offset `offset`. */
  push(chunk: Buffer, offset: number): void {
    const buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const base = this.rest.length ? this.restStart : offset;
    let start = 0;
    for (;;) {
      if (this.options.binaryRecords && buf[start] === RECORD_MARK && start < buf.length) {
        const frame = checkRecordFrame(buf, start, buf.length);
        if (frame.kind === "short") break;
        if (frame.kind === "whole" || frame.size !== null) {
          if (frame.kind === "whole") this.handleRecord(buf, start, frame.size, base + start);
          else this.damagedRecord(frame.why, frame.field, base + start, frame.size);
          start += frame.size!;
          this.goodLength = base + start;
          continue;
        }
        // Its extent is lost: the damage runs to the next newline, where reading picks up again.
        const nl = buf.indexOf(NEWLINE, start);
        if (nl < 0) break;
        this.damagedRecord(frame.why, frame.field, base + start, nl + 1 - start);
        start = nl + 1;
        this.goodLength = base + start;
        continue;
      }
      const nl = buf.indexOf(NEWLINE, start);
      if (nl < 0) break;
      this.handle(buf, start, nl, base + start);
      start = nl + 1;
      this.goodLength = base + start;
    }
    this.rest = buf.subarray(start);
    this.restStart = base + start;
  }

  finish(size: number): NdjsonRead {
    const r = this.rest;
    if (r.length === 0) return { goodLength: this.goodLength, size, torn: null, missingNewline: false };
    if (this.options.binaryRecords && r[0] === RECORD_MARK) {
      const frame = checkRecordFrame(r, 0, r.length);
      if (frame.kind === "short" && frame.missingNewline) {
        this.handleRecord(Buffer.concat([r, Buffer.from([NEWLINE])]), 0, r.length + 1, this.restStart);
        return { goodLength: size, size, torn: null, missingNewline: true };
      }
      // A write cut short leaves a prefix of a record, whose length (once there) is intact; anything else is damage.
      if (frame.kind === "damaged") {
        this.damagedRecord(frame.why, frame.field, this.restStart, r.length);
        return { goodLength: this.goodLength, size, torn: null, missingNewline: false };
      }
    }
    if (checkSeal(r, 0, r.length) === "sealed") {
      this.handle(r, 0, r.length, this.restStart);
      return { goodLength: size, size, torn: null, missingNewline: true };
    }
    return {
      goodLength: this.goodLength,
      size,
      torn: { line: this.lineNo + 1, bytes: r.length },
      missingNewline: false,
    };
  }
}

/** Scan an open file from its start; lines before `options.from` are only counted. */
export async function scanNdjsonHandle(
  handle: FileHandle,
  file: string,
  options: NdjsonOptions,
  onLine: (line: NdjsonLine) => void,
): Promise<NdjsonRead> {
  const { size } = await handle.stat();
  const scanner = new LineScanner(file, options, onLine);
  let offset = 0;
  while (offset < size) {
    const want = Math.min(CHUNK, size - offset);
    const chunk = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(chunk, 0, want, offset);
    if (bytesRead === 0) break;
    scanner.push(chunk.subarray(0, bytesRead), offset);
    offset += bytesRead;
  }
  return scanner.finish(offset);
}

/** Scan a file (null when it does not exist). */
export async function scanNdjson(
  file: string,
  options: NdjsonOptions,
  onLine: (line: NdjsonLine) => void,
): Promise<NdjsonRead | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw IoError.fromSystem(error, file, "read");
  }
  try {
    return await scanNdjsonHandle(handle, file, options, onLine);
  } catch (error) {
    throw IoError.isInstance(error) ? error : IoError.fromSystem(error, file, "read");
  } finally {
    await handle.close();
  }
}

/** Split a whole buffer into lines (for small files read elsewhere, such as an imported manifest). */
export function readNdjson(
  buf: Buffer,
  file: string,
  options: NdjsonOptions = {},
): NdjsonRead & { lines: NdjsonLine[] } {
  const lines: NdjsonLine[] = [];
  const scanner = new LineScanner(file, { unsealedOk: () => true, ...options }, (l) => lines.push(l));
  scanner.push(buf, 0);
  return { ...scanner.finish(buf.length), lines };
}
