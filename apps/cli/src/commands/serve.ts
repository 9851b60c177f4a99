// `loom serve`: starts the HTTP API and web page (apps/server) over a sessions directory, until Ctrl-C.
import { readPricesFile } from "@loom/io";
import { alongsideFlag, GENERATOR_OPTIONS } from "../session/config-flags.js";
import { loadUserPresets, pricesFileOf } from "../session/user-presets.js";
import { defineCommand } from "../cli/define-command.js";
import { lookupLocalModel } from "../model/model-locations.js";
import { sessionsRoot } from "../session/session-dir.js";
import { dirFlag } from "../session/dir-flag.js";
import { UsageError } from "../cli/exit-error.js";
import { databaseRef } from "../session/database-ref.js";
import { storeUrl } from "../session/store-url.js";

export default defineCommand({
  name: "serve",
  summary: "start the HTTP server and web page",
  description:
    "Serves every session in the sessions directory: an HTTP API, live events, and a page with the current\n" +
    "text, candidate buttons, the history and the tree. Binds 127.0.0.1; any other host needs a token\n" +
    "(one is generated and printed if you give none). New sessions use the local engine's model.",
  options: {
    host: { type: "string", valueName: "HOST", default: "127.0.0.1", description: "interface to bind" },
    port: {
      type: "number",
      integer: true,
      min: 0,
      max: 65535,
      default: 4321,
      valueName: "PORT",
      description: "port (0: any free port)",
    },
    dir: {
      type: "string",
      valueName: "DIR",
      description: "sessions directory (default: $LOOM_SESSIONS_DIR or ./.loom-sessions)",
    },
    store: {
      type: "string",
      valueName: "URL",
      description:
        "keep sessions in this PostgreSQL database instead (postgres://user@host:port/db); several servers may share it",
    },
    token: {
      type: "string",
      valueName: "TOKEN",
      description: "bearer token every request must carry (default: $LOOM_SERVER_TOKEN)",
    },
    model: {
      type: "string",
      valueName: "PATH|NAME",
      description: "GGUF model for new local sessions (default: LOOM_MODEL, then the cache)",
    },
    cors: { type: "string", valueName: "ORIGIN", description: "allow this origin to call the API (CORS)" },
    durable: { type: "boolean", description: "fsync every decision of every session served (see README)" },
    // A generator the server offers beside the local engine: new sessions start with it, the page may drop it.
    alongside: GENERATOR_OPTIONS.alongside,
    "alongside-branching": GENERATOR_OPTIONS["alongside-branching"],
    "alongside-base-url": GENERATOR_OPTIONS["alongside-base-url"],
  },
  examples: [
    { command: "loom serve", description: "Open http://127.0.0.1:4321 to drive sessions in ./.loom-sessions." },
    { command: "loom serve --port 0 --json", description: "Any free port; prints {url, token} as JSON." },
    {
      command: 'loom serve --host 0.0.0.0 --token "$(openssl rand -hex 16)"',
      description: "Reachable from the network, with a token.",
    },
    {
      command: "loom serve --store postgres://loom@db.internal/loom --port 4322",
      description: "Sessions in PostgreSQL: run it on several machines (replicas) against one database.",
    },
  ],
  async run({ values, env, cwd, out, signal }) {
    const { startServer } = await import("@loom/server");
    if (values.store !== undefined && values.dir !== undefined)
      throw new UsageError("--store and --dir both say where sessions live: give one of them");
    const sessionsDir = values.dir !== undefined ? dirFlag(cwd, values.dir) : sessionsRoot(env, cwd);
    const store = values.store === undefined ? null : await openStore(storeUrl(values.store, env));
    // The same lookup as every other command; a --model that names nothing is an error, no model at all a warning.
    const { choice, looked } = lookupLocalModel({ flag: values.model, env, cwd });
    const model = choice?.path;
    if (!model)
      out.warn(
        `no model for the local engine (looked in: ${looked.join("; ")}); new sessions need another generator — set LOOM_MODEL or run \`loom model pull\``,
      );
    const token = values.token ?? env.LOOM_SERVER_TOKEN;
    const alongside = alongsideFlag(values, []);
    const generator = {
      ...(model ? { provider: "local", model } : {}),
      ...(alongside.length > 0 ? { alongside } : {}),
    };
    const server = await startServer({
      host: values.host,
      port: values.port,
      sessionsDir,
      ...(token ? { token } : {}),
      ...(values.cors ? { corsOrigins: [values.cors] } : {}),
      backendOptions: {
        ...(store ? { store: store.store } : {}),
        ...(values.durable ? { sessionOptions: { durable: true } } : {}),
        prices: await readPricesFile(pricesFileOf(env)),
      },
      ...(Object.keys(generator).length > 0 ? { defaultConfig: { generator } } : {}),
      presets: await loadUserPresets(env),
      log: (m) => out.info(m),
    });
    const link = server.token ? `${server.url}/?token=${server.token}` : server.url;
    const place = store ? store.shown : sessionsDir;
    out.result(
      { url: server.url, token: server.token, ...(store ? { store: store.shown } : { sessionsDir }) },
      () => `loom server on ${link} (sessions in ${place}); Ctrl-C stops`,
    );
    await new Promise<void>((resolveWait) => {
      if (signal.aborted) return resolveWait();
      signal.addEventListener("abort", () => resolveWait(), { once: true });
    });
    out.info("stopping the server (sessions are saved)…");
    try {
      await server.close();
    } finally {
      await store?.store.close();
    }
  },
});

/** The database's store, reached once before serving: a wrong URL or a database down fails here, not on a request. */
async function openStore(url: string) {
  const { postgresSessionStore } = await import("@loom/store-postgres");
  const store = postgresSessionStore(url);
  try {
    await store.list();
  } catch (error) {
    await store.close();
    throw error;
  }
  return { store, shown: databaseRef(url)!.shown };
}
