// A session named by a database URL (postgres://user@host/db#id): split into the database and the session id, shown without a password.
export interface DatabaseRef {
  url: string;
  /** The session id the #fragment names, or null when there is none. */
  id: string | null;
  /** The place as shown to the user (never a password). */
  shown: string;
}

export const isDatabaseUrl = (value: string) => /^postgres(ql)?:\/\//i.test(value);

/** The database and session a postgres:// value names; null for anything else (a directory). */
export function databaseRef(value: string): DatabaseRef | null {
  if (!isDatabaseUrl(value)) return null;
  const hash = value.indexOf("#");
  const url = hash < 0 ? value : value.slice(0, hash);
  const id = hash < 0 ? "" : fragmentId(value.slice(hash + 1));
  const shown = shownUrl(url);
  return { url, id: id || null, shown: `${shown}${id ? `#${id}` : ""}` };
}

/**
 * The session id a URL's fragment names: percent-decoded (`#my%20story` is "my story"), or as written when it is not
 * percent-encoding (`#50%`), which is then the id itself.
 */
function fragmentId(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

/**
 * `url` without its password (nor a `password` or `sslpassword` parameter's value). libpq's socket form (postgres://user@/db?host=/dir) has an empty host, which the
 * URL parser refuses once there is a user: it reads as localhost, as libpq and the store read it (the store's
 * withoutPassword, not imported here: @loom/store-postgres loads only when a command reaches a database).
 */
function shownUrl(url: string): string {
  try {
    const u = new URL(url.replace(/^(postgres(?:ql)?:\/\/[^/?#]*@)(?=[/?#]|$)/i, "$1localhost"));
    u.password = "";
    for (const name of ["password", "sslpassword"]) if (u.searchParams.has(name)) u.searchParams.set(name, "");
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ":@");
  }
}
