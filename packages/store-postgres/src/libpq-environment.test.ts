// What psql users carry in their environment and URLs beyond host and TLS, against a real PostgreSQL: a client encoding that
// would store text wrongly, libpq's variables that postgres.js does not read (or throws on), and target_session_attrs
// values postgres.js gets wrong: applied where they can be, refused naming themselves where they cannot.
import { createLoom, currentText } from "@loom/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientTarget, connectionFields } from "./connect.js";
import { postgresSessionStore } from "./pg-store.js";
import { type TestDatabase, testDatabase } from "./test-support/test-database.js";

let db: TestDatabase;

beforeAll(async () => {
  db = await testDatabase();
}, 120_000);

afterAll(() => db?.dispose());

/** `url` with `query` added to its parameters. */
const withQuery = (url: string, query: string) => `${url}${url.includes("?") ? "&" : "?"}${query}`;

/** Run `fn` with `vars` set in the process's environment (undefined: unset), then put the environment back. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const put = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  put(vars);
  try {
    return await fn();
  } finally {
    put(saved);
  }
}

/** Create a session `id` through a store on `url` and read its text back through one on `readUrl`. */
async function writeAndRead(url: string, id: string, seed: string, readUrl = db.url): Promise<string> {
  const writer = postgresSessionStore(url);
  try {
    const session = await writer.create(id, createLoom({ seed }));
    await session.close();
  } finally {
    await writer.close();
  }
  const reader = postgresSessionStore(readUrl);
  try {
    return currentText((await reader.read(id)).loom);
  } finally {
    await reader.close();
  }
}

describe("a client encoding other than UTF-8", () => {
  it("is refused before anything is written; UTF-8 by any of PostgreSQL's names keeps text as it was", async () => {
    const seed = "Le café — 東京 “quoted”";
    // Before: postgres.js sent UTF-8 bytes the server read as LATIN1, stored "cafÃ©", and the session no longer opened
    // ("its node ids, texts and lengths do not agree").
    expect(() => postgresSessionStore(withQuery(db.url, "client_encoding=LATIN1"))).toThrow(
      /client_encoding parameter is "LATIN1": Loom's client reads and writes text as UTF-8 only/,
    );
    const reader = postgresSessionStore(db.url);
    try {
      expect(await reader.list()).not.toContain("latin");
    } finally {
      await reader.close();
    }
    for (const [i, name] of ["UTF8", "utf-8", "Unicode", "auto"].entries()) {
      expect(await writeAndRead(withQuery(db.url, `client_encoding=${name}`), `utf${i}`, seed)).toBe(seed);
    }
    // The sweep's queue (node-postgres) is refused the same way.
    expect(() => connectionFields(withQuery(db.url, "client_encoding=win1252"))).toThrow(/"win1252".*UTF-8 only/);
  });
});

describe("percent-encoding in a URL", () => {
  it("that is not valid is refused naming the part (never its value), where the driver threw a URIError", () => {
    const u = new URL(db.url);
    const at = `${u.host}${u.pathname}`;
    for (const [url, part] of [
      [`postgres://lo%om@${at}`, "user name"],
      [`postgres://loom:50%off@${at}`, "password"],
      [`postgres://loom:caf%C3@${at}`, "password"],
      [`postgres://loom@${u.host}/loom%zz`, "database name"],
    ] as const) {
      expect(() => postgresSessionStore(url)).toThrow(`the URL's ${part} is not valid percent-encoding`);
      expect(() => postgresSessionStore(url)).not.toThrow(/50%off|caf%C3/);
      expect(() => connectionFields(url)).toThrow(`the URL's ${part} is not valid percent-encoding`);
    }
  });
});

describe("libpq's environment", () => {
  it("refuses what it cannot honour, naming the variable, before connecting", async () => {
    const refused: [Record<string, string>, RegExp][] = [
      [{ PGSERVICE: "prod" }, /PGSERVICE environment variable is set: connection service files .* are not read/],
      [{ PGHOSTADDR: "10.0.0.1" }, /PGHOSTADDR environment variable is set: a numeric address/],
      [{ PGREQUIREAUTH: "password" }, /PGREQUIREAUTH environment variable is set: the authentication method/],
      [{ PGREQUIREPEER: "postgres" }, /PGREQUIREPEER environment variable is set/],
      [{ PGGSSENCMODE: "require" }, /PGGSSENCMODE environment variable is require: GSSAPI encryption is not supported/],
      // postgres.js reads this one itself and threw a bare Error (an "internal error" from the CLI) on these values.
      [{ PGTARGETSESSIONATTRS: "any" }, /PGTARGETSESSIONATTRS environment variable is any, which postgres.js/],
      [{ PGTARGETSESSIONATTRS: "master" }, /PGTARGETSESSIONATTRS environment variable is one of any, read-write/],
      [{ PGCONNECT_TIMEOUT: "soon" }, /PGCONNECT_TIMEOUT environment variable is a whole number of seconds/],
    ];
    for (const [vars, message] of refused) {
      await withEnv(vars, async () => {
        expect(() => postgresSessionStore(db.url)).toThrow(message);
      });
    }
    // A value the URL gives wins, as in libpq, where postgres.js can be told so.
    await withEnv({ PGGSSENCMODE: "require" }, async () => {
      expect(() => clientTarget(withQuery(db.url, "gssencmode=disable"))).not.toThrow();
    });
    await withEnv({ PGTARGETSESSIONATTRS: "read-only" }, async () => {
      expect(() => clientTarget(withQuery(db.url, "target_session_attrs=any"))).toThrow(
        /target_session_attrs=any cannot override the PGTARGETSESSIONATTRS environment variable \(read-only\)/,
      );
    });
    // Empty counts as unset.
    await withEnv({ PGSERVICE: "" }, async () => {
      expect(await writeAndRead(db.url, "empty-service", "The pier")).toBe("The pier");
    });
  });

  it("applies PGOPTIONS and PGCONNECT_TIMEOUT, which postgres.js does not read, unless the URL gives its own", async () => {
    // The server's options reach the session: a search path without a schema leaves nowhere to create the tables.
    await withEnv({ PGOPTIONS: "-c search_path=nowhere_at_all" }, async () => {
      const store = postgresSessionStore(db.url);
      try {
        await expect(store.create("opts", createLoom({ seed: "x" }))).rejects.toThrow(/no schema has been selected/);
      } finally {
        await store.close();
      }
      // The URL's own options win.
      const own = withQuery(db.url, "options=-c%20search_path%3Dpublic");
      expect(await writeAndRead(own, "opts2", "The quay", own)).toBe("The quay");
      expect(connectionFields(db.url).options).toBe("-c search_path=nowhere_at_all");
    });
    await withEnv({ PGCONNECT_TIMEOUT: "7" }, async () => {
      expect(clientTarget(db.url).options.connect_timeout).toBe(7);
      expect(connectionFields(db.url).connectionTimeoutMillis).toBe(7000);
      expect(clientTarget(withQuery(db.url, "connect_timeout=3")).options.connect_timeout).toBeUndefined();
    });
    // libpq's 0 and below wait for ever: no timer (postgres.js would time out at once on a negative one).
    expect(clientTarget(withQuery(db.url, "connect_timeout=-5")).url).toMatch(/connect_timeout=0/);
    expect(() => clientTarget(withQuery(db.url, "connect_timeout=1.5"))).toThrow(
      /URL's connect_timeout parameter is a whole number of seconds, not "1.5"/,
    );
  });
});

describe("target_session_attrs", () => {
  it("prefer-standby takes the one server a URL names, as libpq does, and is refused for a list", async () => {
    // postgres.js turned the primary away under prefer-standby and failed with CONNECTION_DESTROYED.
    expect(await writeAndRead(withQuery(db.url, "target_session_attrs=prefer-standby"), "prefer", "The tide")).toBe(
      "The tide",
    );
    const u = new URL(db.url);
    const list = `postgres://${u.username}@${u.host},${u.host}${u.pathname}?target_session_attrs=prefer-standby`;
    expect(() => postgresSessionStore(list)).toThrow(
      /prefer-standby with a list of hosts: postgres.js .* cannot prefer/,
    );
  });

  it("a server that is not what it asks for is named in the error, not a bare CONNECTION_DESTROYED", async () => {
    const store = postgresSessionStore(withQuery(db.url, "target_session_attrs=standby"));
    try {
      await expect(store.list()).rejects.toThrow(
        /CONNECTION_DESTROYED.*: no server it reached is what target_session_attrs=standby asks for/,
      );
    } finally {
      await store.close();
    }
    await withEnv({ PGTARGETSESSIONATTRS: "read-only" }, async () => {
      const fromEnv = postgresSessionStore(db.url);
      try {
        await expect(fromEnv.list()).rejects.toThrow(/target_session_attrs=read-only asks for/);
      } finally {
        await fromEnv.close();
      }
    });
  });
});
