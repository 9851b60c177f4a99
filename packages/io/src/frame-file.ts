// A snapshot file held open after a full read, so that a token frame is read (its checksum checked again) when one of its lists is first read rather than held in memory.
import { closeSync, fstatSync, openSync, read, readSync } from "node:fs";
import { promisify } from "node:util";
import { crc32 } from "node:zlib";
import { FRAME_HEADER_BYTES, FrameType } from "./snapshot-frames.js";

/*
 * Why: the token frames are most of a realistic snapshot (~300 MB of a million nodes' 331 MB), and almost no
 * reader of a full open reads their lists. Copied out of the read buffer, they were ~11 % of a full open's
 * CPU profile at a million nodes, and ~240 MB of fresh memory whose first touch this machine pays for
 * (~72,000 page faults); left in the file, the open only checks their CRC-32 as it passes.
 *
 * The file is opened a second time, synchronously (a list is decoded synchronously), and only kept when it is
 * the very file the read went through (same device and inode): a rename over the path meanwhile would
 * otherwise hand out another file's bytes. A compaction later renames a new snapshot over the path; this
 * descriptor still reads the file it opened, which lives on until it is closed. It is closed when nothing
 * refers to it any more (every list of the file decoded, or the loom dropped).
 */

const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Closed already, or never to be used again either way.
  }
});

const readAsync = promisify(read);

export class FrameFile {
  private closed = false;

  private constructor(private readonly fd: number) {
    closer.register(this, fd, this);
  }

  /** The file at `path` opened again for reading, or null when it cannot be, or is no longer the file `seen` describes. */
  static open(path: string, seen: { dev: number; ino: number }): FrameFile | null {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch {
      return null;
    }
    try {
      const now = fstatSync(fd);
      if (now.dev === seen.dev && now.ino === seen.ino) return new FrameFile(fd);
    } catch {
      // Treated as another file.
    }
    closeSync(fd);
    return null;
  }

  /**
   * The payload of the token frame whose header lies at `offset`, holding `length` bytes, read now; null when
   * it cannot be read or is no longer the frame the open checked (length, type or CRC-32 differ).
   */
  tokenPayload(offset: number, length: number): Buffer | null {
    if (this.closed) return null;
    const bytes = Buffer.allocUnsafe(FRAME_HEADER_BYTES + length);
    let got = 0;
    try {
      while (got < bytes.length) {
        const n = readSync(this.fd, bytes, got, bytes.length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
    } catch {
      return null;
    }
    if (got < bytes.length || bytes.readUInt32LE(0) !== length || bytes[8] !== FrameType.tokens) return null;
    const payload = bytes.subarray(FRAME_HEADER_BYTES);
    return crc32(payload, crc32(bytes.subarray(8, 10))) === bytes.readUInt32LE(4) ? payload : null;
  }

  /** `length` bytes from `offset`, read off the event loop; null when they cannot all be read. */
  async range(offset: number, length: number): Promise<Buffer | null> {
    if (this.closed) return null;
    const bytes = Buffer.allocUnsafe(length);
    let got = 0;
    try {
      while (got < length) {
        const { bytesRead } = await readAsync(this.fd, bytes, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } catch {
      return null;
    }
    return got === length ? bytes : null;
  }

  /** Close it now rather than when it is collected (a writer done with the old snapshot). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closer.unregister(this);
    try {
      closeSync(this.fd);
    } catch {
      // Closed already.
    }
  }
}
