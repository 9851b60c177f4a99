// A directory named by a flag (--dir): resolved against the working directory, refused at once when a file is in the way.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../cli/exit-error.js";

export function dirFlag(cwd: string, value: string, flag = "--dir"): string {
  if (value.trim() === "") throw new UsageError(`${flag} needs a directory (got an empty string)`);
  const dir = resolve(cwd, value);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UsageError(
      `${flag}: ${dir} is a file, expected a directory`,
      `give a new or existing directory as ${flag} DIR`,
    );
  }
  return dir;
}
