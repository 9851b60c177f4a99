// Test helper: a file layer that fails the n-th write, fsync or rename the way a full or failing disk does (a short write, then ENOSPC; or EIO).
import { nodeFiles, type FileLayer } from "../file-layer.js";

export interface FaultPlan {
  /** The 1-based call (among writes, fsyncs, truncations and renames) that fails. */
  at: number;
  /** ENOSPC: a write first comes up short, then fails. EIO: the call fails outright. */
  code: "ENOSPC" | "EIO";
  /** Keep failing every later call too (a disk that stays full), rather than once. */
  persist: boolean;
}

function fault(code: string, call: string): NodeJS.ErrnoException {
  const error = new Error(
    `${code}: ${code === "ENOSPC" ? "no space left on device" : "i/o error"}, ${call}`,
  ) as NodeJS.ErrnoException;
  error.code = code;
  error.syscall = call;
  return error;
}

/** A layer counting fault points; with a plan, failing as the plan says. `count` tells how many points a run passed. */
export function faultyFiles(plan: FaultPlan | null): FileLayer & { count: number; fired: boolean } {
  let refuseNext = false;
  const layer = {
    count: 0,
    fired: false,
    /** Returns how many bytes of `length` to really write (short write), or throws. */
    point(call: string, length = 0): number {
      const n = ++layer.count;
      if (refuseNext) {
        refuseNext = false;
        throw fault(plan!.code, call);
      }
      if (!plan || n < plan.at || (n > plan.at && !plan.persist)) return length;
      layer.fired = true;
      // A disk filling up takes part of a write before refusing the rest: the next call fails.
      if (plan.code === "ENOSPC" && n === plan.at && length > 1) {
        refuseNext = true;
        return Math.floor(length / 2);
      }
      throw fault(plan.code, call);
    },
  };
  const files: FileLayer = {
    ...nodeFiles,
    writeSync: (fd, data, offset, length) => {
      const n = layer.point("write", length);
      return n === 0 ? 0 : nodeFiles.writeSync(fd, data, offset, n);
    },
    writeStringSync: (fd, text) => {
      const buf = Buffer.from(text);
      const n = layer.point("write", buf.length);
      return n === 0 ? 0 : nodeFiles.writeSync(fd, buf, 0, n);
    },
    write: async (fd, data, offset, length) => {
      const n = layer.point("write", length);
      return n === 0 ? 0 : nodeFiles.write(fd, data, offset, n);
    },
    fsyncSync: (fd) => (layer.point("fsync"), nodeFiles.fsyncSync(fd)),
    fsync: async (fd) => (layer.point("fsync"), nodeFiles.fsync(fd)),
    fdatasync: async (fd) => (layer.point("fdatasync"), nodeFiles.fdatasync(fd)),
    ftruncateSync: (fd, length) => (layer.point("ftruncate"), nodeFiles.ftruncateSync(fd, length)),
    renameSync: (from, to) => (layer.point("rename"), nodeFiles.renameSync(from, to)),
    rename: async (from, to) => (layer.point("rename"), nodeFiles.rename(from, to)),
  };
  return Object.assign(layer, files);
}
