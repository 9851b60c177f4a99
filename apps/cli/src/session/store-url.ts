// The PostgreSQL database a sweep or worker command uses: --store, else LOOM_STORE; checked to be a postgres:// URL.
import { UsageError } from "../cli/exit-error.js";

export const STORE_OPTION = {
  store: {
    type: "string",
    valueName: "URL",
    description: "the PostgreSQL database (postgres://user@host:port/db; default: $LOOM_STORE)",
  },
} as const;

/** A URL-like value with any password masked, for messages (it may be a DSN with the wrong scheme). */
function withoutPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^/@]*@/i, "$1:***@");
}

export function storeUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = flag ?? env["LOOM_STORE"];
  if (url === undefined || url.trim() === "")
    throw new UsageError(
      "--store: name the PostgreSQL database",
      "e.g. --store postgres://loom@db.internal/loom, or set LOOM_STORE",
    );
  if (!/^postgres(ql)?:\/\//i.test(url))
    throw new UsageError(
      `--store: "${withoutPassword(url)}" is not a postgres:// URL`,
      "e.g. --store postgres://loom@db.internal/loom",
    );
  return url;
}
