// Low-level appends for the session's append-only files: whole writes, and opening with errors worded for the user.
import { IoError } from "./io-error.js";
import { nodeFiles, type FileLayer } from "./file-layer.js";

/** Append all of `text`; returns its length in bytes. Written as a string: no Buffer to allocate and copy per commit. */
export function appendAll(fd: number, text: string, files: FileLayer = nodeFiles): number {
  const bytes = Buffer.byteLength(text);
  const first = files.writeStringSync(fd, text);
  if (first < bytes) {
    // A short write (rare for regular files): finish from the byte where it stopped.
    const buf = Buffer.from(text, "utf8");
    let off = first;
    while (off < bytes) off += files.writeSync(fd, buf, off, bytes - off);
  }
  return bytes;
}

/** Append all of `bytes`; returns their length. */
export function appendBytes(fd: number, bytes: Uint8Array, files: FileLayer = nodeFiles): number {
  let off = 0;
  while (off < bytes.length) off += files.writeSync(fd, bytes, off, bytes.length - off);
  return bytes.length;
}

/** Open `path` (for appending by default); a failure is an IoError saying what went wrong (read-only disk, permissions…). */
export function openFile(path: string, what: string, flags = "a", files: FileLayer = nodeFiles): number {
  try {
    return files.openSync(path, flags);
  } catch (error) {
    throw IoError.fromSystem(error, path, what);
  }
}
