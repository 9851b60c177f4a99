// A PostgreSQL URL as libpq reads it, for postgres.js: `?host=/dir`, or a host of `%2Fdir`, names a Unix-socket directory; `sslrootcert`, `sslcert` and `sslkey` name TLS files.
import { readFileSync } from "node:fs";
import { checkServerIdentity, type ConnectionOptions } from "node:tls";
import postgres, { type Options, type Sql } from "postgres";

/**
 * A URL as postgres.js is to be given it, worked out once: the URL to pass and the options that carry what the URL
 * means to libpq (psql, node-postgres, pg-boss) and would not to postgres.js:
 * - a Unix socket is a `host` query parameter naming the socket's directory
 *   (`postgres://user@/db?host=/var/run/postgresql`); postgres.js would send that parameter to the server as a
 *   setting, which the server refuses, and reads a socket only from its `host` option. So the parameter moves from
 *   the URL to the option. A socket on a machine's own server skips TCP's loopback stack: less CPU a round trip.
 * - TLS files (`sslrootcert`, `sslcert`, `sslkey`, as hosted PostgreSQL services hand them out) are read here and
 *   `sslmode` is applied as libpq applies it (see tlsOf); postgres.js would send the file parameters to the server
 *   as settings too ("unrecognized configuration parameter").
 */
export interface ClientTarget {
  url: string;
  options: Options<Record<string, postgres.PostgresType>>;
}

/** An error in a URL's parameters, with what was expected there. */
export class UrlParameterError extends Error {
  constructor(
    message: string,
    readonly expected: string,
  ) {
    super(message);
  }
}

/** `url` resolved for postgres.js (see ClientTarget): the TLS files are read now. Throws UrlParameterError. */
export function clientTarget(url: string): ClientTarget {
  const socket = socketOf(url);
  if (socket) return { url: socket.url, options: { host: socket.dir, ...(socket.port ? { port: socket.port } : {}) } };
  const tls = tlsOf(url);
  return tls ? { url: tls.url, options: { ssl: tls.ssl } } : { url, options: {} };
}

/** The postgres.js client for `url` (a URL, or one resolved once by clientTarget for many clients). */
export function pgClient(
  url: string | ClientTarget,
  options: Options<Record<string, postgres.PostgresType>> = {},
): Sql {
  const target = typeof url === "string" ? clientTarget(url) : url;
  return postgres(target.url, { ...options, ...target.options });
}

/** libpq's TLS parameters; postgres.js reads `sslmode` (and `sslrootcert=system`) only. */
const TLS_PARAMETERS = ["sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword"] as const;
const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;

const TLS_EXPECTED = "sslmode=verify-full&sslrootcert=<CA file>[&sslcert=<file>&sslkey=<file>]";

/** A TLS file a URL parameter names, read now; an error names the parameter and the file. */
function tlsFile(param: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UrlParameterError(
      `cannot read the file the URL's ${param} parameter names (${path}): ${(error as Error).message}`,
      TLS_EXPECTED,
    );
  }
}

/**
 * The TLS postgres.js is to use for `url` when the URL names TLS files or a verifying `sslmode` (else null: the
 * driver's own reading of `sslmode` is libpq's), and the URL without libpq's TLS parameters. As libpq:
 * - `verify-full` checks the server's certificate against `sslrootcert` (the system's CAs when it is absent or
 *   `system`) and its name against the URL's host; `verify-ca` checks the certificate only; `require` checks it
 *   only when `sslrootcert` is given (libpq's "behaves like verify-ca"), else not at all;
 * - `sslcert` and `sslkey` are the client's certificate and key (`sslpassword` the key's passphrase);
 * - `sslrootcert=system` means `verify-full` unless the mode says otherwise; `disable` drops the files.
 * One difference: with a client certificate, `allow` and `prefer` use TLS always (postgres.js cannot fall back to
 * a plain connection once it was given TLS options), unchecked as libpq leaves those modes.
 * Throws an Error naming the parameter for an unknown mode or a file that cannot be read.
 */
export function tlsOf(url: string): { url: string; ssl: ConnectionOptions | false } | null {
  const u = parsePgUrl(url);
  if (!u) return null;
  const get = (name: string) => u.searchParams.get(name);
  const mode = get("sslmode");
  if (mode !== null && !(SSL_MODES as readonly string[]).includes(mode)) {
    throw new UrlParameterError(
      `the URL's sslmode parameter is one of ${SSL_MODES.join(", ")}, not "${mode}"`,
      TLS_EXPECTED,
    );
  }
  const root = get("sslrootcert");
  const cert = get("sslcert");
  const key = get("sslkey");
  if (key === null && get("sslpassword") !== null) {
    throw new UrlParameterError(
      "the URL names sslpassword without sslkey: it is the passphrase of the client's key",
      TLS_EXPECTED,
    );
  }
  if (root === null && cert === null && key === null && mode !== "verify-ca" && mode !== "verify-full") return null;
  if ((cert === null) !== (key === null)) {
    throw new UrlParameterError(
      `the URL names ${cert === null ? "sslkey without sslcert" : "sslcert without sslkey"}: a client certificate needs both`,
      TLS_EXPECTED,
    );
  }
  for (const name of TLS_PARAMETERS) u.searchParams.delete(name);
  const rest = u.toString();
  const effective = mode ?? (root === "system" ? "verify-full" : "prefer");
  if (effective === "disable") return { url: rest, ssl: false };
  const ssl: ConnectionOptions = {};
  if (root !== null && root !== "system") ssl.ca = tlsFile("sslrootcert", root);
  if (cert !== null && key !== null) {
    ssl.cert = tlsFile("sslcert", cert);
    ssl.key = tlsFile("sslkey", key);
    const password = get("sslpassword");
    if (password !== null) ssl.passphrase = password;
  }
  const verify = effective === "verify-full" || effective === "verify-ca" || (effective === "require" && root !== null);
  ssl.rejectUnauthorized = verify;
  // The name is checked against the URL's host: postgres.js passes no host name to TLS for an IP address, and
  // Node would then check the certificate against "localhost".
  const host = bareHost(u) || "localhost";
  ssl.checkServerIdentity =
    effective === "verify-full" ? (_name, certificate) => checkServerIdentity(host, certificate) : () => undefined;
  return { url: rest, ssl };
}

/** What node-postgres (so pg-boss) is given for a URL: the fields, not the URL (see connectionFields). */
export interface ConnectionFields {
  host: string;
  port: number;
  database?: string;
  user?: string;
  password?: string;
  ssl: ConnectionOptions | false;
  /** Server settings, as a startup `options` string (`-c name=value`). */
  options?: string;
  connectionTimeoutMillis?: number;
}

/** Parameters of a URL that a client reads (libpq's, and those postgres.js takes as its options), not server settings. */
const CLIENT_PARAMETERS = new Set([
  ...TLS_PARAMETERS,
  ...["host", "port", "connect_timeout", "application_name", "options", "target_session_attrs", "sslnegotiation"],
  ...["ssl", "max", "idle_timeout", "max_lifetime", "max_pipeline", "backoff", "keep_alive", "prepare", "fetch_types"],
]);

/** The URL's host without an IPv6 address's brackets. */
const bareHost = (u: URL) => u.hostname.replace(/^\[(.*)\]$/, "$1");

/** A URL whose host is empty (parsePgUrl reads it as localhost). */
const NO_HOST = /^postgres(?:ql)?:\/\/(?:[^/?#@]*@)?(?=[/?#]|$)/i;

/**
 * `url` as node-postgres' connection fields, meaning what it means to the store's postgres.js client (pgClient): the
 * same socket, the same TLS (node-postgres would verify `sslmode=require` and `verify-ca` as `verify-full`), and the
 * URL's other parameters as server settings, which postgres.js sends as such and node-postgres would drop.
 * `sslmode=prefer` and `allow` use TLS, unverified (node-postgres cannot fall back to a plain connection).
 * Throws an Error naming the field when the URL is not one (see socketOf, tlsOf).
 */
export function connectionFields(url: string): ConnectionFields {
  const u = parsePgUrl(url);
  if (!u) throw new Error(`"${withoutPassword(url) ?? "the URL"}" is not a PostgreSQL URL`);
  const socket = socketOf(url);
  const tls = socket ? null : tlsOf(url);
  const mode = u.searchParams.get("sslmode");
  const name = bareHost(u);
  const decoded = (text: string) => (text ? decodeURIComponent(text) : undefined);
  const fields: ConnectionFields = {
    // A URL without a host or port leaves them to PGHOST and PGPORT, as it does for libpq and postgres.js.
    host: socket ? socket.dir : (NO_HOST.test(url) ? "" : name) || process.env["PGHOST"] || "localhost",
    port: socket?.port ?? (u.port ? Number(u.port) : Number(process.env["PGPORT"]) || 5432),
    database: decoded(u.pathname.slice(1)),
    user: decoded(u.username),
    password: decoded(u.password),
    ssl: socket ? false : tls ? tls.ssl : mode === null || mode === "disable" ? false : { rejectUnauthorized: false },
  };
  const settings: string[] = [];
  const given = u.searchParams.get("options");
  if (given) settings.push(given);
  for (const [key, value] of u.searchParams) {
    if (!CLIENT_PARAMETERS.has(key)) settings.push(`-c ${key}=${value.replace(/[\\ ]/g, "\\$&")}`);
  }
  if (settings.length > 0) fields.options = settings.join(" ");
  const timeout = u.searchParams.get("connect_timeout");
  if (timeout !== null && Number(timeout) > 0) fields.connectionTimeoutMillis = Number(timeout) * 1000;
  return fields;
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
    throw new UrlParameterError(
      `the host parameter of a PostgreSQL URL names a socket directory (starting with /), not "${dir}"`,
      "host=/socket/dir",
    );
  }
  u.searchParams.delete("host");
  // The port names the socket's file (.s.PGSQL.<port>) rather than a TCP port: it stays in the URL as given.
  const port = u.searchParams.get("port") ?? u.port;
  u.searchParams.delete("port");
  // libpq uses no TLS over a Unix socket, whatever sslmode says: the parameters are left out, not sent as settings.
  for (const name of TLS_PARAMETERS) u.searchParams.delete(name);
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

/** `url` without its password (nor a `password` or `sslpassword` parameter's value), for messages; null when it is not a URL. */
export function withoutPassword(url: string): string | null {
  const u = parsePgUrl(url);
  if (!u) return null;
  u.password = "";
  for (const name of ["password", "sslpassword"]) if (u.searchParams.has(name)) u.searchParams.set(name, "");
  return u.toString();
}
