// Low-level appends for the session's append-only files: whole writes, and opening with errors worded for the user.
import { openSync, writeSync } from "node:fs";
import { IoError } from "./io-error.js";

/** Append all of `text`; returns its length in bytes. Written as a string: no Buffer to allocate and copy per commit. */
export function appendAll(fd: number, text: string): number {
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

/** Open `path` for appending; a failure is an IoError saying what went wrong (read-only disk, permissions…). */
export function openFile(path: string, what: string, flags = "a"): number {
  try {
    return openSync(path, flags);
  } catch (error) {
    throw IoError.fromSystem(error, path, what);
  }
}
