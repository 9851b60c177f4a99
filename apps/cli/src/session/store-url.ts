// The PostgreSQL database a sweep or worker command uses: --store, else LOOM_STORE; checked to be a postgres:// URL.
import { UsageError } from "../cli/exit-error.js";

export const STORE_OPTION = {
  store: {
    type: "string",
    valueName: "URL",
    description: "the PostgreSQL database (postgres://user@host:port/db; default: $LOOM_STORE)",
  },
} as const;

export function storeUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = flag ?? env["LOOM_STORE"];
  if (url === undefined || url.trim() === "")
    throw new UsageError(
      "--store: name the PostgreSQL database",
      "e.g. --store postgres://loom@db.internal/loom, or set LOOM_STORE",
    );
  if (!/^postgres(ql)?:\/\//i.test(url))
    throw new UsageError(`--store: "${url}" is not a postgres:// URL`, "e.g. --store postgres://loom@db.internal/loom");
  return url;
}
