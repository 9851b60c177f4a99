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
  }
  const passfile = take("passfile");
  if (passfile) params.passfile = passfile;
  return params;
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
