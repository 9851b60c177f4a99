// How to tell the user to run loom again: `loom` when installed, `node path/to/bin.js` when run from a checkout.
import { basename, relative } from "node:path";

export function invocation(cwd: string, argv1: string | undefined = process.argv[1]): string {
  if (!argv1 || basename(argv1) !== "bin.js") return "loom";
  const rel = relative(cwd, argv1);
  return `node ${rel.startsWith("..") || rel === "" ? argv1 : rel}`;
}
