// Atomic file replacement: write a temp file in the same directory, fsync it, rename it over, fsync the directory.
import { basename, dirname, join } from "node:path";
import { nodeFiles, type FileLayer } from "./file-layer.js";

let counter = 0;
/** A fresh temp name beside `file` (dot-prefixed, named after this process), for a file that is renamed over it. */
export const tempName = (file: string) => join(dirname(file), `.${basename(file)}.${process.pid}.${++counter}.tmp`);

/** fsync a directory so a rename in it is durable; some platforms cannot open directories, which is harmless. */
export function fsyncDirSync(dir: string, files: FileLayer = nodeFiles): void {
  let fd: number | undefined;
  try {
    fd = files.openSync(dir, "r");
  } catch {
    return; // Windows cannot open a directory; the rename is still atomic there.
  }
  try {
    files.fsyncSync(fd);
  } finally {
    files.closeSync(fd);
  }
}

/**
 * The asynchronous twin of fsyncDirSync: the directory's sync runs in libuv's thread pool. A directory
 * sync commits the file system's journal, which on a busy disk can take tens of milliseconds that the
 * event loop (a session's commits) need not wait for.
 */
export async function fsyncDir(dir: string, files: FileLayer = nodeFiles): Promise<void> {
  let fd: number | undefined;
  try {
    fd = files.openSync(dir, "r");
  } catch {
    return;
  }
  try {
    await files.fsync(fd);
  } finally {
    files.closeSync(fd);
  }
}

export interface AtomicWriteOptions {
  /**
   * fsync the file before the rename and the directory after it (the default). Without it the
   * replacement is still atomic for readers and survives `kill -9` of this process (the kernel holds
   * the pages); only power loss or a kernel crash could then leave the old file or an empty one.
   */
  fsync?: boolean;
  /** The file operations to use (fault injection in tests). */
  files?: FileLayer;
}

type Data = string | Uint8Array | readonly Uint8Array[];
const piecesOf = (data: Data): readonly Uint8Array[] =>
  typeof data === "string"
    ? [Buffer.from(data)]
    : Array.isArray(data)
      ? (data as readonly Uint8Array[])
      : [data as Uint8Array];

function discard(files: FileLayer, temp: string): void {
  try {
    files.unlinkSync(temp);
  } catch {}
}

/**
 * Replace `file` with `data` so that a reader (or a crash) sees either the old or the new bytes, never a mix.
 * Pieces are written one after another: a large file never has to exist as one buffer.
 */
export async function writeFileAtomic(file: string, data: Data, options: AtomicWriteOptions = {}): Promise<void> {
  const files = options.files ?? nodeFiles;
  const durable = options.fsync ?? true;
  const temp = tempName(file);
  const fd = files.openSync(temp, "w");
  try {
    for (const piece of piecesOf(data)) {
      let off = 0;
      while (off < piece.length) off += await files.write(fd, piece, off, piece.length - off);
    }
    if (durable) await files.fsync(fd);
  } catch (error) {
    files.closeSync(fd);
    discard(files, temp);
    throw error;
  }
  files.closeSync(fd);
  try {
    await files.rename(temp, file);
  } catch (error) {
    discard(files, temp);
    throw error;
  }
  if (durable) await fsyncDir(dirname(file), files);
}

/** The synchronous twin of writeFileAtomic, for the short critical sections that must not interleave with commits. */
export function writeFileAtomicSync(file: string, data: Data, options: AtomicWriteOptions = {}): void {
  const files = options.files ?? nodeFiles;
  const durable = options.fsync ?? true;
  const temp = tempName(file);
  const fd = files.openSync(temp, "w");
  try {
    for (const piece of piecesOf(data)) {
      let off = 0;
      while (off < piece.length) off += files.writeSync(fd, piece, off, piece.length - off);
    }
    if (durable) files.fsyncSync(fd);
  } catch (error) {
    files.closeSync(fd);
    discard(files, temp);
    throw error;
  }
  files.closeSync(fd);
  try {
    files.renameSync(temp, file);
  } catch (error) {
    discard(files, temp);
    throw error;
  }
  if (durable) fsyncDirSync(dirname(file), files);
}
