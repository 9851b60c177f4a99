// A real connection pooler in front of the test database: Debian's PgBouncer, in transaction or session mode, on a loopback port of its own.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BINARY = "/usr/sbin/pgbouncer";

/** Whether PgBouncer is installed (scripts/test.sh installs it with apt-get). */
export function poolerInstalled(): boolean {
  try {
    execFileSync(BINARY, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface Pooler {
  /** The target's database and user, through the pooler. */
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}): ${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection(port, "127.0.0.1");
      socket.once("connect", () => resolve(socket.end() !== undefined));
      socket.once("error", () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline) throw new Error(`pgbouncer did not listen on ${port}: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * PgBouncer for `target` (a postgres://user@127.0.0.1:port/db URL, trust authentication) in `mode`, with a pool of
 * `poolSize` server connections. It refuses to run as root: as root it runs as Debian's `postgres` user.
 */
export async function startPooler(target: string, mode: "transaction" | "session", poolSize = 4): Promise<Pooler> {
  const t = new URL(target);
  const dir = mkdtempSync(join(tmpdir(), "loom-pgbouncer-"));
  const port = await freePort();
  const user = decodeURIComponent(t.username);
  writeFileSync(
    join(dir, "pgbouncer.ini"),
    [
      "[databases]",
      `* = host=${t.hostname} port=${t.port || 5432}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${join(dir, "users.txt")}`,
      `pool_mode = ${mode}`,
      `default_pool_size = ${poolSize}`,
      `logfile = ${join(dir, "pgbouncer.log")}`,
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, "users.txt"), `"${user}" ""\n`);
  const root = process.getuid?.() === 0;
  if (root) {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }));
    const [uid, gid] = [id("-u"), id("-g")];
    chmodSync(dir, 0o755);
    for (const f of ["", "pgbouncer.ini", "users.txt"]) chownSync(join(dir, f), uid, gid);
  }
  const args = [join(dir, "pgbouncer.ini")];
  const child = root
    ? spawn("runuser", ["-u", "postgres", "--", BINARY, ...args], { stdio: "ignore" })
    : spawn(BINARY, args, { stdio: "ignore" });
  const log = () => {
    try {
      return execFileSync("tail", ["-n", "5", join(dir, "pgbouncer.log")], { encoding: "utf8" });
    } catch {
      return "";
    }
  };
  await listening(port, child, log);
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.toString(),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
