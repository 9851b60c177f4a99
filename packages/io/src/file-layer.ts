// The file operations a session writes through: Node's by default, replaceable to inject faults (disk full, I/O errors, failed renames) in tests.
import * as fs from "node:fs";
import { promisify } from "node:util";

/**
 * Every call a session makes to change files on disk (reads go to Node directly). A session takes one in
 * `SessionOptions.files`; tests wrap `nodeFiles` to fail the n-th write, fsync or rename with ENOSPC or EIO
 * and check that nothing acknowledged is lost.
 */
export interface FileLayer {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, data: Uint8Array, offset: number, length: number): number;
  writeStringSync(fd: number, text: string): number;
  write(fd: number, data: Uint8Array, offset: number, length: number): Promise<number>;
  fsyncSync(fd: number): void;
  fsync(fd: number): Promise<void>;
  fdatasync(fd: number): Promise<void>;
  ftruncateSync(fd: number, length: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rename(from: string, to: string): Promise<void>;
  unlinkSync(path: string): void;
  mkdirSync(path: string): void;
}

const writeAsync = promisify(fs.write);

export const nodeFiles: FileLayer = {
  openSync: (path, flags) => fs.openSync(path, flags),
  writeSync: (fd, data, offset, length) => fs.writeSync(fd, data, offset, length),
  writeStringSync: (fd, text) => fs.writeSync(fd, text),
  write: async (fd, data, offset, length) => (await writeAsync(fd, data, offset, length)).bytesWritten,
  fsyncSync: (fd) => fs.fsyncSync(fd),
  fsync: promisify(fs.fsync),
  fdatasync: promisify(fs.fdatasync),
  ftruncateSync: (fd, length) => fs.ftruncateSync(fd, length),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
  rename: promisify(fs.rename),
  unlinkSync: (path) => fs.unlinkSync(path),
  mkdirSync: (path) => void fs.mkdirSync(path, { recursive: true }),
};
