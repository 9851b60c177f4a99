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
  const id = hash < 0 ? "" : decodeURIComponent(value.slice(hash + 1));
  const shown = new URL(url);
  shown.password = "";
  return { url, id: id || null, shown: `${shown}${id ? `#${id}` : ""}` };
}
