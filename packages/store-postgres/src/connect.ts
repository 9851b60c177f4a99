// A PostgreSQL URL as libpq reads it, for postgres.js and node-postgres: a Unix-socket directory (`?host=/dir`, or a host of `%2Fdir`), TLS (its parameters, libpq's environment and default files), several hosts, libpq's other client parameters and its password file.
import { existsSync, readFileSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { join } from "node:path";
import { checkServerIdentity, type ConnectionOptions } from "node:tls";
import postgres, { type Options, type Sql } from "postgres";
import {
  type ClientParameters,
  environmentParameters,
  passwordFromFile,
  takeClientParameters,
  UrlParameterError,
} from "./libpq-parameters.js";

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
  /** The target_session_attrs postgres.js checks each server against (the URL's, PGTARGETSESSIONATTRS, or a list's read-write). */
  sessionAttrs?: string;
}

export { UrlParameterError };

/**
 * `url` resolved for postgres.js (see ClientTarget): libpq's client parameters applied (see takeClientParameters),
 * the TLS files and a password file read now. Throws UrlParameterError.
 */
export function clientTarget(given: string): ClientTarget {
  checkPercentEncoding(given);
  const multi = hostList(given);
  const url = multi?.first ?? given;
  const original = parsePgUrl(url);
  // Read before the URL's client parameters are taken out: the variables stand in for what it leaves out.
  const env = original ? environmentParameters(original) : {};
  const { url: rest, params } = withoutClientParameters(url);
  if (params.preferStandby && multi) {
    throw new UrlParameterError(
      "the URL's target_session_attrs=prefer-standby with a list of hosts: postgres.js (Loom's client) cannot prefer a standby and fall back to a primary; list the standbys with target_session_attrs=standby, or give one host",
      "postgres://user@host1,host2/database?target_session_attrs=standby",
    );
  }
  const options: ClientTarget["options"] = {};
  const socket = socketOf(rest);
  let target = rest;
  if (socket) {
    target = socket.url;
    options.host = socket.dir;
    if (socket.port) options.port = socket.port;
  } else {
    const tls = tlsOf(
      rest,
      undefined,
      multi?.hosts.map((h) => h.host),
    );
    if (tls) {
      target = tls.url;
      options.ssl = tls.ssl;
    }
  }
  if (params.database) options.database = params.database;
  if (params.user) options.username = params.user;
  if (params.applicationName) options.connection = { application_name: params.applicationName };
  if (env.options !== undefined) options.connection = { ...options.connection, options: env.options };
  if (env.connectTimeout !== undefined) options.connect_timeout = env.connectTimeout;
  if (params.keepAlive !== undefined) options.keep_alive = params.keepAlive === false ? null : params.keepAlive;
  const password = params.password ?? storedPassword(rest, params, socket?.dir ?? null, multi?.hosts);
  if (password !== null) options.password = password;
  if (multi) severalHosts(multi, rest, socket !== null, params, options);
  const attrs =
    parsePgUrl(rest)?.searchParams.get("target_session_attrs") ||
    process.env["PGTARGETSESSIONATTRS"] ||
    (options.target_session_attrs as string | undefined);
  return { url: target, options, ...(attrs ? { sessionAttrs: attrs } : {}) };
}

/**
 * Refuse a URL whose user name, password, host or database is not valid percent-encoding (a `%` not followed by two
 * hex digits, or bytes that are not UTF-8), as libpq does ("invalid percent-encoded token"): every reader of the URL
 * (postgres.js, node-postgres, the password file's lookup) decodes those parts and threw a bare URIError. A password
 * pasted as it is, with a `%` in it, is the usual cause. The message names the part, never its value.
 */
function checkPercentEncoding(url: string): void {
  const m = /^postgres(?:ql)?:\/\/(?:([^:@/?#]*)(?::([^@/?#]*))?@)?([^/?#]*)([^?#]*)/i.exec(url);
  if (!m) return;
  const parts = [
    ["user name", m[1]],
    ["password", m[2]],
    ["host", m[3]],
    ["database name", m[4]],
  ] as const;
  for (const [part, text] of parts) {
    if (!text) continue;
    try {
      decodeURIComponent(text);
    } catch {
      throw new UrlParameterError(
        `the URL's ${part} is not valid percent-encoding (each % starts a %XX byte, and the bytes are UTF-8): write %25 for a % sign`,
        "postgres://user:password@host:port/database, special characters percent-encoded",
      );
    }
  }
}

/** One of a URL's hosts: its name or address (an IPv6 one without brackets) and its port, if given. */
interface UrlHost {
  host: string;
  port: number | null;
}

/**
 * The hosts of a URL that names several, as libpq allows (`postgres://u@h1:5432,h2:5433/db`), and the URL with the
 * first alone (what the rest of the URL means is read from it); null for a URL of one host. Throws an
 * UrlParameterError for an empty host or a port that is not a number.
 */
export function hostList(url: string): { first: string; hosts: UrlHost[] } | null {
  const m = /^(postgres(?:ql)?:\/\/(?:[^/?#@]*@)?)([^/?#]*)(.*)$/is.exec(url);
  if (!m || !m[2]!.includes(",")) return null;
  const parts = m[2]!.split(",");
  const hosts = parts.map((part) => {
    const hp = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(part)!;
    const [host, port] = [hp[1]!, hp[2]];
    if (host === "" || (port !== undefined && !/^\d+$/.test(port))) {
      throw new UrlParameterError(
        `the URL's list of hosts has "${part}" in it: each is host or host:port`,
        "postgres://user@host1:5432,host2:5432/database",
      );
    }
    return { host: host.replace(/^\[(.*)\]$/, "$1"), port: port === undefined ? null : Number(port) };
  });
  return { first: `${m[1]}${parts[0]}${m[3]}`, hosts };
}

/**
 * Options for a URL of several hosts (see hostList): postgres.js tries them in turn, and a writer wants the one that
 * takes writes, so `target_session_attrs` is `read-write` unless the URL or PGTARGETSESSIONATTRS says otherwise
 * (libpq's default, `any`, would let a writer land on a standby and fail at its first commit). Under `verify-full`,
 * the server's certificate must name one of the hosts (see tlsOf).
 */
function severalHosts(
  multi: { hosts: UrlHost[] },
  url: string,
  socket: boolean,
  params: ClientParameters,
  options: ClientTarget["options"],
): void {
  if (socket) {
    throw new UrlParameterError(
      "the URL names a list of hosts and a socket directory: a list is of TCP hosts",
      "postgres://user@host1:5432,host2:5432/database",
    );
  }
  const u = parsePgUrl(url)!;
  const port = Number(u.searchParams.get("port") || process.env["PGPORT"]) || 5432;
  options.host = multi.hosts.map((h) => h.host) as never;
  options.port = multi.hosts.map((h) => h.port ?? port) as never;
  if (!u.searchParams.has("target_session_attrs") && !params.anyServer && !process.env["PGTARGETSESSIONATTRS"]) {
    options.target_session_attrs = "read-write";
  }
}

/** `url` without libpq's client parameters (see takeClientParameters), and what they ask; as given when it has none. */
function withoutClientParameters(url: string): { url: string; params: ClientParameters } {
  const u = parsePgUrl(url);
  if (!u || u.search === "") return { url, params: {} };
  const before = u.search;
  const params = takeClientParameters(u);
  if (u.search === before) return { url, params };
  // parsePgUrl reads an empty host as localhost: it is given back empty, for PGHOST (and the socket form) to apply.
  const rest = NO_HOST.test(url)
    ? u.toString().replace(/^(postgres(?:ql)?:\/\/[^/?#]*@)localhost/i, "$1")
    : u.toString();
  return { url: rest, params };
}

/**
 * The password from libpq's password file for a URL that gives none (see passwordFromFile), or null. The file is
 * matched against what the connection will be: the URL's host (PGHOST, else localhost) or the socket's directory,
 * its port (PGPORT, else 5432), database and user (PGDATABASE and PGUSER, else the operating system's user). For a
 * list of hosts (`hosts`), each host's line is looked up, as libpq does host by host; postgres.js sends one password
 * to whichever host it reaches, so hosts whose lines give different passwords are refused (UrlParameterError), and
 * the password that the hosts with a line agree on is used for all.
 */
function storedPassword(
  url: string,
  params: ClientParameters,
  socketDir: string | null,
  hosts?: readonly UrlHost[],
): string | null {
  const u = parsePgUrl(url);
  const env = process.env;
  // As libpq: a password in the URL, then PGPASSWORD, then the file.
  if (!u || u.password || env["PGPASSWORD"]) return null;
  const user = params.user || decodeURIComponent(u.username) || env["PGUSER"] || systemUser();
  if (!user) return null;
  const port = Number(u.searchParams.get("port") || u.port || env["PGPORT"]) || 5432;
  const database = params.database || decodeURIComponent(u.pathname.slice(1)) || env["PGDATABASE"] || user;
  if (!hosts) {
    const host = socketDir ?? hostName(url, u, env);
    return passwordFromFile(params.passfile, { host, port, database, user });
  }
  const found = new Map<string, string[]>();
  for (const h of hosts) {
    const target = { host: h.host, port: h.port ?? port, database, user };
    const password = passwordFromFile(params.passfile, target);
    if (password !== null) found.set(password, [...(found.get(password) ?? []), `${h.host}:${target.port}`]);
  }
  if (found.size > 1) {
    throw new UrlParameterError(
      `the password file gives the URL's hosts different passwords (${[...found.values()].map((h) => h.join(", ")).join("; ")}): postgres.js (Loom's client) sends one password to whichever host it reaches`,
      "one password for every host of the list (in the file, the URL or PGPASSWORD)",
    );
  }
  return found.size === 1 ? [...found.keys()][0]! : null;
}

/** The operating system's user name, as libpq and postgres.js default the database user to; "" when it has none. */
function systemUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env["USER"] ?? process.env["LOGNAME"] ?? "";
  }
}

/** The postgres.js client for `url` (a URL, or one resolved once by clientTarget for many clients). */
export function pgClient(
  url: string | ClientTarget,
  options: Options<Record<string, postgres.PostgresType>> = {},
): Sql {
  const target = typeof url === "string" ? clientTarget(url) : url;
  const connection =
    options.connection || target.options.connection
      ? { connection: { ...options.connection, ...target.options.connection } }
      : {};
  return postgres(target.url, { ...options, ...target.options, ...connection });
}

/** libpq's TLS parameters; postgres.js reads `sslmode` (and `sslrootcert=system`) only. */
const TLS_PARAMETERS = [
  ...["sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "sslcrl", "sslcrldir", "sslcertmode"],
  ...["ssl_min_protocol_version", "ssl_max_protocol_version", "channel_binding", "sslsni", "sslcompression"],
  "sslkeylogfile",
] as const;

/** libpq's names of TLS versions, as Node's. */
const TLS_VERSIONS = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const;
const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"] as const;

const TLS_EXPECTED = "sslmode=verify-full&sslrootcert=<CA file>[&sslcert=<file>&sslkey=<file>]";

/** TLS as postgres.js takes it: the options, none, or a mode it applies itself, unverified (`prefer` and `allow` falling back to a plain connection). */
export type TlsOption = ConnectionOptions | false | "prefer" | "allow" | "require";

/** Where libpq looks for what a URL leaves out: its environment variables and the user's `~/.postgresql`. */
export interface LibpqDefaults {
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory (libpq's `~`). */
  home: string;
}

const processDefaults = (): LibpqDefaults => ({ env: process.env, home: homedir() });

/** libpq's environment variable for each TLS parameter (`sslpassword` has none). */
const TLS_ENVIRONMENT = {
  sslmode: "PGSSLMODE",
  sslrootcert: "PGSSLROOTCERT",
  sslcert: "PGSSLCERT",
  sslkey: "PGSSLKEY",
  sslcrl: "PGSSLCRL",
  sslcrldir: "PGSSLCRLDIR",
  sslcertmode: "PGSSLCERTMODE",
  ssl_min_protocol_version: "PGSSLMINPROTOCOLVERSION",
  ssl_max_protocol_version: "PGSSLMAXPROTOCOLVERSION",
  channel_binding: "PGCHANNELBINDING",
} as const;

/** A TLS setting and where it came from, for messages: the URL's parameter, libpq's variable, or its default file. */
interface Setting {
  value: string;
  from: string;
}

/** A TLS file a setting names, read now; an error names where the setting came from and the file. */
function tlsFile(setting: Setting): Buffer {
  try {
    return readFileSync(setting.value);
  } catch (error) {
    throw new UrlParameterError(
      `cannot read the file ${setting.from} names (${setting.value}): ${(error as Error).message}`,
      TLS_EXPECTED,
    );
  }
}

/** libpq's default file in `~/.postgresql` when it exists, else null. */
function defaultFile(defaults: LibpqDefaults, name: string): Setting | null {
  const path = join(defaults.home, ".postgresql", name);
  return existsSync(path) ? { value: path, from: `libpq's default file ~/.postgresql/${name}` } : null;
}

/**
 * The TLS postgres.js is to use for `url` (else null: the driver's own reading of `sslmode` is libpq's), and the URL
 * without libpq's TLS parameters. As libpq:
 * - each parameter the URL leaves out is read from libpq's variable (PGSSLMODE, PGSSLROOTCERT, PGSSLCERT, PGSSLKEY…);
 * - `verify-full` checks the server's certificate against `sslrootcert` and its name against the URL's host;
 *   `verify-ca` checks the certificate only; `require` checks it only when a CA file is given (libpq's "behaves
 *   like verify-ca"), else not at all;
 * - `sslcert` and `sslkey` are the client's certificate and key (`sslpassword` the key's passphrase);
 * - under `require` and the verifying modes, `~/.postgresql/root.crt` is the CA file and `~/.postgresql/
 *   postgresql.crt` and `.key` the client's certificate and key when they are not given and the files exist;
 * - `sslrootcert=system` means `verify-full` unless the mode says otherwise; `disable` drops the files;
 * - `sslcrl` is a certificate revocation list, `ssl_min_protocol_version` and `ssl_max_protocol_version` bound the TLS
 *   version (TLSv1 … TLSv1.3), `sslcertmode=disable` sends no client certificate, and each has its variable too;
 *   `sslsni`, `sslcompression` and `sslkeylogfile` change nothing here.
 * Differences: `channel_binding=require` is met by verifying the server as `verify-full` does (postgres.js cannot bind
 * the channel; a verified certificate and name protect against the same man in the middle), and refused with
 * `sslmode=disable`; `sslcrldir` and `sslcertmode=require` are refused (not done here); a verifying mode without any
 * CA file uses the system's CAs (libpq refuses to connect); with a client certificate, `allow` and `prefer` use TLS
 * always (postgres.js cannot fall back to a plain connection once it was given TLS options), unchecked as libpq
 * leaves those modes, and the default files are read only for the modes that use TLS always, so that a plain server
 * stays reachable under the default mode.
 * Throws an UrlParameterError naming where a setting came from for an unknown mode or a file that cannot be read.
 */
export function tlsOf(
  url: string,
  defaults: LibpqDefaults = processDefaults(),
  hosts?: readonly string[],
): { url: string; ssl: TlsOption } | null {
  const u = parsePgUrl(url);
  if (!u) return null;
  const get = (name: keyof typeof TLS_ENVIRONMENT): Setting | null => {
    const given = u.searchParams.get(name);
    if (given !== null) return { value: given, from: `the URL's ${name} parameter` };
    const variable = TLS_ENVIRONMENT[name];
    const value = defaults.env[variable];
    return value ? { value, from: `the ${variable} environment variable` } : null;
  };
  // libpq uses no TLS over a Unix socket: a URL without a host, with PGHOST naming a socket directory.
  if (NO_HOST.test(url) && defaults.env["PGHOST"]?.startsWith("/")) {
    dropTlsParameters(u);
    return { url: u.toString(), ssl: false };
  }
  const modeSetting = get("sslmode");
  const mode = modeSetting?.value ?? null;
  if (modeSetting !== null && !(SSL_MODES as readonly string[]).includes(modeSetting.value)) {
    throw new UrlParameterError(
      `${modeSetting.from} is one of ${SSL_MODES.join(", ")}, not "${modeSetting.value}"`,
      TLS_EXPECTED,
    );
  }
  const crlDir = get("sslcrldir");
  if (crlDir !== null) {
    throw new UrlParameterError(
      `${crlDir.from}: a directory of certificate revocation lists is not read here; name one file with sslcrl`,
      "sslcrl=<file>",
    );
  }
  const certMode = get("sslcertmode");
  if (certMode !== null && !["disable", "allow", "require"].includes(certMode.value)) {
    throw new UrlParameterError(`${certMode.from} is disable, allow or require, not "${certMode.value}"`, TLS_EXPECTED);
  }
  if (certMode?.value === "require") {
    throw new UrlParameterError(
      `${certMode.from} is require: whether the server asked for the client's certificate cannot be checked here`,
      "sslcertmode=allow",
    );
  }
  const versions = (["ssl_min_protocol_version", "ssl_max_protocol_version"] as const).map((name) => {
    const setting = get(name);
    if (setting !== null && !(TLS_VERSIONS as readonly string[]).includes(setting.value)) {
      throw new UrlParameterError(
        `${setting.from} is one of ${TLS_VERSIONS.join(", ")}, not "${setting.value}"`,
        "ssl_min_protocol_version=TLSv1.2",
      );
    }
    return setting?.value as (typeof TLS_VERSIONS)[number] | undefined;
  });
  const binding = get("channel_binding");
  if (binding !== null && !["disable", "prefer", "require"].includes(binding.value)) {
    throw new UrlParameterError(`${binding.from} is disable, prefer or require, not "${binding.value}"`, TLS_EXPECTED);
  }
  if (binding?.value === "require" && mode === "disable") {
    throw new UrlParameterError(
      `${binding.from} is require, and sslmode disable: channel binding needs TLS`,
      "channel_binding=require with sslmode=require or verify-full",
    );
  }
  const crl = get("sslcrl");
  let root = get("sslrootcert");
  let cert = get("sslcert");
  let key = get("sslkey");
  const password = u.searchParams.get("sslpassword");
  if (key === null && password !== null) {
    throw new UrlParameterError(
      "the URL names sslpassword without sslkey: it is the passphrase of the client's key",
      TLS_EXPECTED,
    );
  }
  // channel_binding=require: the driver cannot bind the channel to the server's certificate (SCRAM-SHA-256-PLUS), so
  // the server is verified instead, certificate and name, which protects against the same man in the middle.
  const bound = binding?.value === "require";
  const always = bound || mode === "require" || mode === "verify-ca" || mode === "verify-full";
  if (always) {
    root ??= defaultFile(defaults, "root.crt");
    if (cert === null && key === null) {
      cert = defaultFile(defaults, "postgresql.crt");
      if (cert !== null) key = defaultFile(defaults, "postgresql.key");
    }
  }
  if (certMode?.value === "disable") cert = key = null;
  const tuned = crl !== null || versions[0] !== undefined || versions[1] !== undefined;
  if (
    root === null &&
    cert === null &&
    key === null &&
    !tuned &&
    !bound &&
    mode !== "verify-ca" &&
    mode !== "verify-full"
  ) {
    // Nothing to read or check: the mode is the driver's to apply (`prefer` and `allow` keep their fallback to a
    // plain connection). Given as its option when it came from PGSSLMODE, which postgres.js does not read, or when
    // the URL has other TLS parameters, which it would send to the server as settings.
    const others = TLS_PARAMETERS.some((name) => name !== "sslmode" && u.searchParams.has(name));
    if (!others && (modeSetting === null || modeSetting.from.startsWith("the URL"))) return null;
    dropTlsParameters(u);
    return { url: u.toString(), ssl: mode === null || mode === "disable" ? false : (mode as "require") };
  }
  if ((cert === null) !== (key === null)) {
    const [has, lacks] = cert === null ? ["sslkey", "sslcert"] : ["sslcert", "sslkey"];
    const given = (cert ?? key)!;
    throw new UrlParameterError(
      given.from.startsWith("the URL")
        ? `the URL names ${has} without ${lacks}: a client certificate needs both`
        : `${given.from} gives ${has} (${given.value}) without ${lacks}: a client certificate needs both`,
      TLS_EXPECTED,
    );
  }
  dropTlsParameters(u);
  const rest = u.toString();
  const effective = bound ? "verify-full" : (mode ?? (root?.value === "system" ? "verify-full" : "prefer"));
  if (effective === "disable") return { url: rest, ssl: false };
  const ssl: ConnectionOptions = {};
  if (root !== null && root.value !== "system") ssl.ca = tlsFile(root);
  if (cert !== null && key !== null) {
    ssl.cert = tlsFile(cert);
    ssl.key = tlsFile(key);
    if (password !== null) ssl.passphrase = password;
  }
  if (crl !== null) ssl.crl = tlsFile(crl);
  if (versions[0]) ssl.minVersion = versions[0];
  if (versions[1]) ssl.maxVersion = versions[1];
  const verify = effective === "verify-full" || effective === "verify-ca" || (effective === "require" && root !== null);
  ssl.rejectUnauthorized = verify;
  // The name is checked against the URL's host: postgres.js passes no host name to TLS for an IP address, and
  // Node would then check the certificate against "localhost".
  // A URL of several hosts (`hosts`): the certificate must name one of them, as the name TLS is given for an address
  // cannot tell which one this connection reached.
  const names = hosts ?? [hostName(url, u, defaults.env)];
  ssl.checkServerIdentity =
    effective === "verify-full"
      ? (_name, certificate) => {
          const errors = names.map((name) => checkServerIdentity(name, certificate));
          return errors.includes(undefined) ? undefined : errors[0];
        }
      : () => undefined;
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
  application_name?: string;
  keepAlive?: boolean;
  keepAliveInitialDelayMillis?: number;
}

/** Parameters of a URL that a client reads (libpq's, and those postgres.js takes as its options), not server settings. */
const CLIENT_PARAMETERS = new Set([
  ...TLS_PARAMETERS,
  ...["host", "port", "connect_timeout", "application_name", "options", "target_session_attrs", "sslnegotiation"],
  ...["ssl", "max", "idle_timeout", "max_lifetime", "max_pipeline", "backoff", "keep_alive", "prepare", "fetch_types"],
]);

/** The URL's host without an IPv6 address's brackets. */
const bareHost = (u: URL) => u.hostname.replace(/^\[(.*)\]$/, "$1");

/** The host `url` (parsed as `u`) connects to: its own, else PGHOST, else localhost, as libpq and postgres.js read it. */
const hostName = (url: string, u: URL, env: Readonly<Record<string, string | undefined>>) =>
  (NO_HOST.test(url) ? env["PGHOST"] : bareHost(u)) || "localhost";

/** Take libpq's TLS parameters out of `u` (they are never server settings). */
function dropTlsParameters(u: URL): void {
  for (const name of TLS_PARAMETERS) u.searchParams.delete(name);
}

/** A URL whose host is empty (parsePgUrl reads it as localhost). */
const NO_HOST = /^postgres(?:ql)?:\/\/(?:[^/?#@]*@)?(?=[/?#]|$)/i;

/**
 * `url` as node-postgres' connection fields, meaning what it means to the store's postgres.js client (pgClient): the
 * same socket, the same TLS (node-postgres would verify `sslmode=require` and `verify-ca` as `verify-full`), and the
 * URL's other parameters as server settings, which postgres.js sends as such and node-postgres would drop.
 * node-postgres cannot fall back from one to the other: `sslmode=prefer` uses TLS, unverified, and `allow` (which
 * tries a plain connection first) none.
 * Throws an Error naming the field when the URL is not one (see socketOf, tlsOf).
 */
export function connectionFields(original: string): ConnectionFields {
  if (hostList(original)) {
    throw new UrlParameterError(
      "the URL names a list of hosts: the sweep's job queue (pg-boss, on node-postgres) connects to one host; give it the primary's",
      "postgres://user@host:port/database",
    );
  }
  checkPercentEncoding(original);
  const given = parsePgUrl(original);
  if (!given) throw new Error(`"${withoutPassword(original) ?? "the URL"}" is not a PostgreSQL URL`);
  const env = environmentParameters(given);
  const { url, params } = withoutClientParameters(original);
  const u = parsePgUrl(url)!;
  const socket = socketOf(url);
  const tls = socket ? null : tlsOf(url);
  const mode = u.searchParams.get("sslmode");
  const decoded = (text: string) => (text ? decodeURIComponent(text) : undefined);
  const fields: ConnectionFields = {
    // A URL without a host or port leaves them to PGHOST and PGPORT, as it does for libpq and postgres.js.
    host: socket ? socket.dir : hostName(url, u, process.env),
    port: socket?.port ?? (u.port ? Number(u.port) : Number(process.env["PGPORT"]) || 5432),
    database: params.database ?? decoded(u.pathname.slice(1)),
    user: params.user ?? decoded(u.username),
    password: params.password ?? decoded(u.password) ?? storedPassword(url, params, socket?.dir ?? null) ?? undefined,
    ssl: socket
      ? false
      : tls
        ? tls.ssl === "allow"
          ? false
          : typeof tls.ssl === "string"
            ? { rejectUnauthorized: false }
            : tls.ssl
        : mode === null || mode === "disable" || mode === "allow"
          ? false
          : { rejectUnauthorized: false },
  };
  const settings: string[] = [];
  const options = u.searchParams.get("options") ?? env.options;
  if (options) settings.push(options);
  for (const [key, value] of u.searchParams) {
    if (!CLIENT_PARAMETERS.has(key)) settings.push(`-c ${key}=${value.replace(/[\\ ]/g, "\\$&")}`);
  }
  if (settings.length > 0) fields.options = settings.join(" ");
  const application = u.searchParams.get("application_name") ?? params.applicationName;
  if (application) fields.application_name = application;
  if (params.keepAlive !== undefined) {
    fields.keepAlive = params.keepAlive !== false;
    if (params.keepAlive !== false) fields.keepAliveInitialDelayMillis = params.keepAlive * 1000;
  }
  const timeout = Number(u.searchParams.get("connect_timeout") ?? env.connectTimeout ?? 0);
  if (timeout > 0) fields.connectionTimeoutMillis = timeout * 1000;
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
  dropTlsParameters(u);
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
  let multi: ReturnType<typeof hostList>;
  try {
    multi = hostList(url);
  } catch {
    return null;
  }
  const u = parsePgUrl(multi?.first ?? url);
  if (!u) return null;
  u.password = "";
  for (const name of ["password", "sslpassword"]) if (u.searchParams.has(name)) u.searchParams.set(name, "");
  const shown = u.toString();
  if (!multi) return shown;
  // The list of hosts as given, in place of the first.
  const list = /^postgres(?:ql)?:\/\/(?:[^/?#@]*@)?([^/?#]*)/i.exec(url)![1]!;
  return shown.replace(/^(postgres(?:ql)?:\/\/(?:[^/?#@]*@)?)[^/?#]*/i, `$1${list}`);
}
