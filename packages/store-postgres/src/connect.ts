// A PostgreSQL URL as libpq reads it, for postgres.js: `?host=/dir`, or a host of `%2Fdir`, names a Unix-socket directory.
import postgres, { type Options, type Sql } from "postgres";

/**
 * The postgres.js client for `url`. libpq (psql, node-postgres, pg-boss) takes a Unix socket as a `host` query
 * parameter naming the socket's directory (`postgres://user@/db?host=/var/run/postgresql`); postgres.js would send
 * that parameter to the server as a setting, which the server refuses, and reads a socket only from its `host`
 * option. So the parameter moves from the URL to the option, and one URL means the same to every client Loom uses.
 * A socket on a machine's own server skips TCP's loopback stack: less CPU a round trip for both processes.
 */
export function pgClient(url: string, options: Options<Record<string, postgres.PostgresType>> = {}): Sql {
  const socket = socketOf(url);
  if (!socket) return postgres(url, options);
  return postgres(socket.url, { ...options, host: socket.dir, ...(socket.port ? { port: socket.port } : {}) });
}

/** `{ url without the host parameter, the socket's directory, the port }` when `url` names a socket directory, else null. */
export function socketOf(url: string): { url: string; dir: string; port: number | null } | null {
  const u = parsePgUrl(url);
  if (!u) return null;
  // libpq's two forms: the host parameter, or the directory percent-encoded as the URL's host
  // (`postgres://%2Fvar%2Frun%2Fpostgresql/db`, as node-postgres and so pg-boss read it too). The parameter wins.
  const dir = u.searchParams.get("host") ?? encodedDirectory(u.hostname);
  if (dir === null) return null;
  if (!dir.startsWith("/")) {
    throw new Error(`the host parameter of a PostgreSQL URL names a socket directory (starting with /), not "${dir}"`);
  }
  u.searchParams.delete("host");
  // The port names the socket's file (.s.PGSQL.<port>) rather than a TCP port: it stays in the URL as given.
  const port = u.searchParams.get("port") ?? u.port;
  u.searchParams.delete("port");
  if (!u.hostname || encodedDirectory(u.hostname) !== null) u.hostname = "localhost";
  return { url: u.toString(), dir, port: port ? Number(port) : null };
}

/** The directory a URL's host names when it is a percent-encoded absolute path (`%2Frun%2Fpg`), else null. */
function encodedDirectory(hostname: string): string | null {
  if (!/^%2f/i.test(hostname)) return null;
  try {
    return decodeURIComponent(hostname);
  } catch {
    return null;
  }
}

/**
 * `url` as a URL, or null. libpq's socket form leaves the host empty (`postgres://user@/db?host=/dir`), which the
 * WHATWG parser refuses once there is a user: the empty host reads as localhost, as libpq reads it.
 */
export function parsePgUrl(url: string): URL | null {
  try {
    return new URL(url.replace(/^(postgres(?:ql)?:\/\/[^/?#]*@)(?=[/?#]|$)/i, "$1localhost"));
  } catch {
    return null;
  }
}

/** `url` without its password, for messages; null when it is not a URL. */
export function withoutPassword(url: string): string | null {
  const u = parsePgUrl(url);
  if (!u) return null;
  u.password = "";
  return u.toString();
}
