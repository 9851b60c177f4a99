// libpq's connection parameters that a URL may carry and that are not server settings: applied, let pass, or refused with the reason, as postgres.js would otherwise send them to the server as settings.
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** An error in a URL's parameters, with what was expected there. */
export class UrlParameterError extends Error {
  constructor(
    message: string,
    readonly expected: string,
  ) {
    super(message);
  }
}

/** What libpq's client parameters of a URL ask of the connection (beyond TLS: see tlsOf). */
export interface ClientParameters {
  database?: string;
  user?: string;
  password?: string;
  applicationName?: string;
  /** TCP keepalive: its idle time in seconds, or false for none. */
  keepAlive?: number | false;
  /** The password file to read (see passwordFromFile). */
  passfile?: string;
  /** `target_session_attrs=any` was given (libpq's default, which postgres.js takes by leaving it out). */
  anyServer?: boolean;
  /** `target_session_attrs=prefer-standby` was given (see takeClientParameters). */
  preferStandby?: boolean;
}

/** Parameters libpq reads that change nothing a Node client can do, or ask for what it does anyway. */
const WITHOUT_EFFECT = new Set([
  "keepalives_interval",
  "keepalives_count",
  "tcp_user_timeout",
  "krbsrvname",
  "gsslib",
  "gssdelegation",
  "load_balance_hosts",
  "max_protocol_version",
]);

/** Parameters libpq reads for something this store cannot do: refused, as ignoring them would connect otherwise than asked. */
const REFUSED: Record<string, string> = {
  service: "connection service files (pg_service.conf) are not read: give the connection in the URL itself",
  requirepeer: "the server process's operating-system user is not checked over a Unix socket here",
  replication: "replication connections are not what a session store makes",
  hostaddr: "a numeric address beside the host name is not supported: give the address as the URL's host",
  require_auth: "the authentication method cannot be restricted here",
  oauth_issuer: "OAuth authentication is not supported",
  oauth_client_id: "OAuth authentication is not supported",
  oauth_client_secret: "OAuth authentication is not supported",
  oauth_scope: "OAuth authentication is not supported",
  scram_client_key: "SCRAM keys given in place of a password are not supported",
  scram_server_key: "SCRAM keys given in place of a password are not supported",
};

const EXPECTED = "postgres://user:password@host:port/database?sslmode=…&connect_timeout=…";

/**
 * Take libpq's client parameters out of `u` (changed in place) and say what they ask: `dbname`, `user` and `password`
 * (which override the URL's parts, as in libpq), `fallback_application_name`, `keepalives` and `keepalives_idle`,
 * `passfile` (for passwordFromFile); those a Node client has no use for are dropped; `gssencmode=require` and the
 * parameters in REFUSED throw an UrlParameterError naming the parameter. Server settings and what postgres.js reads
 * itself (`application_name`, `options`, `client_encoding`, `connect_timeout`, `target_session_attrs`) stay.
 */
export function takeClientParameters(u: URL): ClientParameters {
  const p = u.searchParams;
  for (const name of Object.keys(REFUSED)) {
    if (p.has(name)) throw new UrlParameterError(`the URL's ${name} parameter: ${REFUSED[name]}`, EXPECTED);
  }
  const gss = p.get("gssencmode");
  if (gss === "require") {
    throw new UrlParameterError(
      "the URL's gssencmode=require asks for GSSAPI encryption, which is not supported: use sslmode for TLS",
      "gssencmode=disable or prefer, and sslmode=…",
    );
  }
  const params: ClientParameters = {};
  const take = (name: string): string | null => {
    const value = p.get(name);
    p.delete(name);
    return value;
  };
  take("gssencmode");
  for (const name of WITHOUT_EFFECT) p.delete(name);
  const database = take("dbname");
  if (database) params.database = database;
  const user = take("user");
  if (user) params.user = user;
  const password = take("password");
  if (password !== null) params.password = password;
  const fallback = take("fallback_application_name");
  if (fallback && !p.has("application_name")) params.applicationName = fallback;
  const keepalives = take("keepalives");
  const idle = take("keepalives_idle");
  if (keepalives !== null && keepalives !== "0" && keepalives !== "1") {
    throw new UrlParameterError(`the URL's keepalives parameter is 0 or 1, not "${keepalives}"`, "keepalives=1");
  }
  if (idle !== null && !(Number(idle) > 0)) {
    throw new UrlParameterError(
      `the URL's keepalives_idle parameter is a number of seconds, not "${idle}"`,
      "keepalives_idle=60",
    );
  }
  if (keepalives === "0") params.keepAlive = false;
  else if (idle !== null) params.keepAlive = Number(idle);
  if (p.get("target_session_attrs") === "any") {
    p.delete("target_session_attrs");
    params.anyServer = true;
  } else if (p.get("target_session_attrs") === "prefer-standby") {
    // postgres.js turns every primary away under prefer-standby (it never falls back as libpq does), so a URL of
    // one host, where libpq takes whatever that server is, is read as `any`; a list is refused by the caller.
    p.delete("target_session_attrs");
    params.preferStandby = true;
  }
  // libpq's `auto` (the client's locale) is no server value: this client's encoding is UTF-8.
  if (checkEncoding(p.get("client_encoding"), "the URL's client_encoding parameter") === "auto") {
    p.delete("client_encoding");
  }
  const timeout = p.get("connect_timeout");
  if (timeout !== null)
    p.set("connect_timeout", String(connectTimeout(timeout, "the URL's connect_timeout parameter")));
  const passfile = take("passfile");
  if (passfile) params.passfile = passfile;
  return params;
}

/**
 * Refuse a client encoding other than UTF-8: postgres.js always encodes and decodes text as UTF-8, so with another
 * one the server would read each of its bytes as a character of that encoding (`café` stored as `cafÃ©`) and a
 * session's texts would no longer agree with their stored lengths. libpq's `auto` and PostgreSQL's spellings of
 * UTF-8 (any case, with or without punctuation, and `unicode`) pass; the name as compared is returned.
 */
function checkEncoding(value: string | null, what: string): string | null {
  if (value === null) return null;
  const name = value.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (name === "utf8" || name === "unicode" || name === "auto") return name;
  throw new UrlParameterError(
    `${what} is "${value}": Loom's client reads and writes text as UTF-8 only, so the server would store it wrongly`,
    "client_encoding=UTF8, or no client_encoding",
  );
}

/** A connect timeout in seconds as libpq reads it: an integer, 0 or below waiting for ever (0 for postgres.js). */
function connectTimeout(value: string, what: string): number {
  if (!/^\s*[-+]?\d+\s*$/.test(value)) {
    throw new UrlParameterError(`${what} is a whole number of seconds, not "${value}"`, "connect_timeout=10");
  }
  return Math.max(0, Number(value));
}

/** What libpq's environment asks of a connection beyond what the URL says and postgres.js reads itself. */
export interface EnvironmentParameters {
  /** PGOPTIONS: the server's command-line options for the session (`-c name=value …`). */
  options?: string;
  /** PGCONNECT_TIMEOUT, in seconds (0: none). */
  connectTimeout?: number;
}

/** libpq's variables for parameters refused in a URL (see REFUSED), by the parameter each stands for. */
const REFUSED_ENVIRONMENT: Record<string, string> = {
  PGSERVICE: "service",
  PGREQUIREPEER: "requirepeer",
  PGHOSTADDR: "hostaddr",
  PGREQUIREAUTH: "require_auth",
};

/** What postgres.js accepts for target_session_attrs (libpq's `any` aside). */
const SESSION_ATTRS = ["any", "read-write", "read-only", "primary", "standby", "prefer-standby"];

/**
 * libpq's environment variables that postgres.js does not read (or reads and fails on), for what the URL `u` leaves
 * out (the URL as given, its client parameters still in it): PGOPTIONS and PGCONNECT_TIMEOUT are applied;
 * PGSERVICE, PGREQUIREPEER, PGHOSTADDR, PGREQUIREAUTH and PGGSSENCMODE=require are refused as their URL parameters
 * are (ignoring them would connect otherwise than psql does with the same environment); PGTARGETSESSIONATTRS is
 * checked, since postgres.js reads it and throws on a value it does not know, `any` included. A variable set to ""
 * counts as unset. Throws UrlParameterError naming it.
 */
export function environmentParameters(
  u: URL,
  env: Readonly<Record<string, string | undefined>> = process.env,
): EnvironmentParameters {
  const p = u.searchParams;
  const value = (name: string): string | null => (env[name] ? env[name]! : null);
  for (const [name, parameter] of Object.entries(REFUSED_ENVIRONMENT)) {
    if (value(name) !== null) {
      throw new UrlParameterError(
        `the ${name} environment variable is set: ${REFUSED[parameter]}; unset it for Loom`,
        EXPECTED,
      );
    }
  }
  if (value("PGGSSENCMODE") === "require" && !p.has("gssencmode")) {
    throw new UrlParameterError(
      "the PGGSSENCMODE environment variable is require: GSSAPI encryption is not supported; unset it and use sslmode for TLS",
      "PGGSSENCMODE unset (or disable, prefer), and sslmode=…",
    );
  }
  const attrs = value("PGTARGETSESSIONATTRS");
  const given = p.get("target_session_attrs");
  if (attrs !== null && given === null) {
    if (!SESSION_ATTRS.includes(attrs)) {
      throw new UrlParameterError(
        `the PGTARGETSESSIONATTRS environment variable is one of ${SESSION_ATTRS.join(", ")}, not "${attrs}"`,
        "PGTARGETSESSIONATTRS=read-write, or unset",
      );
    }
    if (attrs === "any" || attrs === "prefer-standby") {
      throw new UrlParameterError(
        `the PGTARGETSESSIONATTRS environment variable is ${attrs}, which postgres.js (Loom's client) cannot take from the environment: unset it, or give target_session_attrs=${attrs} in the URL`,
        `postgres://…?target_session_attrs=${attrs}`,
      );
    }
  } else if (attrs !== null && (given === "any" || given === "prefer-standby")) {
    // Those two are taken out of the URL for postgres.js (see takeClientParameters), which then reads the variable.
    throw new UrlParameterError(
      `the URL's target_session_attrs=${given} cannot override the PGTARGETSESSIONATTRS environment variable (${attrs}) here: unset the variable`,
      `postgres://…?target_session_attrs=${given}`,
    );
  }
  const found: EnvironmentParameters = {};
  const options = value("PGOPTIONS");
  if (options !== null && !p.has("options")) found.options = options;
  const timeout = value("PGCONNECT_TIMEOUT");
  if (timeout !== null && !p.has("connect_timeout")) {
    found.connectTimeout = connectTimeout(timeout, "the PGCONNECT_TIMEOUT environment variable");
  }
  return found;
}

/**
 * The password libpq would take from its password file for a connection without one: `passfile` (the URL's),
 * else PGPASSFILE, else `~/.pgpass`; its first line whose host, port, database and user match (`*` matches any; `\`
 * escapes `:` and `\`; an unescaped `:` ends the password). `host` is the host name, or the socket's directory. As
 * libpq, a file that others may read (any group or other permission bit) is not used. Null when there is no such
 * file or no line matches.
 */
export function passwordFromFile(
  passfile: string | undefined,
  target: { host: string; port: number; database: string; user: string },
  env: Readonly<Record<string, string | undefined>> = process.env,
  home = homedir(),
): string | null {
  const path = passfile ?? env["PGPASSFILE"] ?? join(home, ".pgpass");
  let text: string;
  try {
    if ((statSync(path).mode & 0o077) !== 0) return null;
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const wanted = [target.host, String(target.port), target.database, target.user];
  for (const line of text.split(/\r?\n/)) {
    if (line === "" || line.startsWith("#")) continue;
    const fields = splitFields(line);
    if (fields.length < 5) continue;
    if (wanted.every((value, i) => fields[i] === "*" || fields[i] === value)) return fields[4]!;
  }
  return null;
}

/** A password file's line cut at its unescaped colons, with `\:` and `\\` unescaped. */
function splitFields(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && i + 1 < line.length) field += line[++i];
    else if (c === ":") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields;
}
