// Atomic file replacement: write a temp file in the same directory, fsync it, rename it over, fsync the directory.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

let counter = 0;
const tempName = (file: string) => join(dirname(file), `.${basename(file)}.${process.pid}.${++counter}.tmp`);

/** fsync a directory so a rename in it is durable; some platforms cannot open directories, which is harmless. */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface AtomicWriteOptions {
  /**
   * fsync the file before the rename and the directory after it (the default). Without it the
   * replacement is still atomic for readers and survives `kill -9` of this process (the kernel holds
   * the pages); only power loss or a kernel crash could then leave the old file or an empty one.
   */
  fsync?: boolean;
}

/** Replace `file` with `data` so that a reader (or a crash) sees either the old or the new bytes, never a mix. */
export async function writeFileAtomic(file: string, data: string | Uint8Array | readonly Uint8Array[], options: AtomicWriteOptions = {}): Promise<void> {
  const durable = options.fsync ?? true;
  const temp = tempName(file);
  const handle = await open(temp, "w");
  try {
    // Pieces are written one after another: a large file never has to exist as one buffer.
    if (Array.isArray(data)) {
      for (const piece of data as readonly Uint8Array[]) {
        let off = 0;
        while (off < piece.length) off += (await handle.write(piece, off, piece.length - off)).bytesWritten;
      }
    }
    else await handle.writeFile(data as string | Uint8Array);
    if (durable) await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  if (durable) fsyncDirSync(dirname(file));
}

/** The synchronous twin of writeFileAtomic, for the short critical sections that must not interleave with commits. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const durable = options.fsync ?? true;
  const temp = tempName(file);
  const fd = openSync(temp, "w");
  try {
    const buf = typeof data === "string" ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (durable) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {}
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {}
    throw error;
  }
  if (durable) fsyncDirSync(dirname(file));
}
