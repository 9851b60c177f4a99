// `loom migrate --from A --to B`: copy a session between a session directory and a PostgreSQL database, either way.
import { basename, dirname, resolve } from "node:path";
import { copySession, fileSessionStore, type SessionStore } from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { UsageError } from "../cli/exit-error.js";
import { databaseRef } from "../session/database-ref.js";

interface Place {
  store: SessionStore;
  /** The session id the place names (a directory's name, a URL's #fragment), if it names one. */
  id: string | null;
  /** The place as shown to the user (never a password). */
  shown: string;
}

/** A directory is a session in the files store of its parent; a URL is the database, `#id` a session in it. */
async function placeOf(value: string, flag: string, cwd: string): Promise<Place> {
  if (value.trim() === "") throw new UsageError(`${flag} needs a session directory or a postgres:// URL`);
  const ref = databaseRef(value);
  if (ref) {
    // Loaded only here: the driver is not part of any other command's start-up.
    const { postgresSessionStore } = await import("@loom/store-postgres");
    return { store: postgresSessionStore(ref.url), id: ref.id, shown: ref.shown };
  }
  const dir = resolve(cwd, value);
  return { store: fileSessionStore(dirname(dir)), id: basename(dir), shown: dir };
}

export default defineCommand({
  name: "migrate",
  summary: "copy a session between a directory and a PostgreSQL database (either way)",
  description:
    "Copies one session, with its side state (usage, an agent's conversation), from a session directory into a\n" +
    "PostgreSQL database or back. In a database a session is named by the URL's #fragment; without one it takes\n" +
    "the directory's name. The copy is read back and compared before the command succeeds; the source is not\n" +
    "changed (remove it yourself once you are satisfied). A session open for writing elsewhere is refused.",
  options: {
    from: { type: "string", valueName: "PLACE", description: "the session to copy: a directory, or postgres://…#id" },
    to: {
      type: "string",
      valueName: "PLACE",
      description: "where the copy goes: a new directory, or postgres://…[#id]",
    },
  },
  examples: [
    {
      command: "loom migrate --from .loom-sessions/story --to postgres://loom@db.internal/loom",
      description: 'Into the database, as session "story".',
    },
    {
      command: "loom migrate --from 'postgres://loom@db.internal/loom#story' --to story-back",
      description: "Back into a session directory.",
    },
  ],
  async run({ values, cwd, out }) {
    if (values.from === undefined || values.to === undefined)
      throw new UsageError("migrate needs --from and --to", "e.g. loom migrate --from story --to postgres://host/db");
    const from = await placeOf(values.from, "--from", cwd);
    const to = await placeOf(values.to, "--to", cwd);
    try {
      const fromId = from.id ?? to.id;
      const toId = to.id ?? from.id;
      if (fromId === null || toId === null)
        throw new UsageError("name the session with a #fragment on a URL (postgres://…/db#story)");
      const copy = await copySession(from.store, fromId, to.store, toId);
      const target = to.id === null ? `${to.shown}#${toId}` : to.shown;
      const source = from.id === null ? `${from.shown}#${fromId}` : from.shown;
      out.result({ from: source, to: target, ...copy }, () =>
        [
          `copied ${source} to ${target}`,
          `${copy.nodes} nodes, ${copy.decisions} decisions, side state: ${copy.state.join(", ") || "none"}; read back and compared`,
          "the source is unchanged",
        ].join("\n"),
      );
    } finally {
      await Promise.all([from.store.close(), to.store.close()]);
    }
  },
});
