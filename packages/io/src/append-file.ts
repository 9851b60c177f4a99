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

/** Open `path` (for appending by default); a failure is an IoError saying what went wrong (read-only disk, permissions…). */
export function openFile(path: string, what: string, flags = "a", files: FileLayer = nodeFiles): number {
  try {
    return files.openSync(path, flags);
  } catch (error) {
    throw IoError.fromSystem(error, path, what);
  }
}
