// A PostgreSQL of its own that takes TCP over TLS only, with a client certificate (scripts/pg-cluster.sh start --tls).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("../../../../scripts/pg-cluster.sh", import.meta.url));

export interface TlsCluster {
  /** Its TCP port (on 127.0.0.1; its certificate names only localhost). */
  port: string;
  /** The folder of ca.crt, other-ca.crt (a CA that signed nothing here), client.crt and client.key. */
  tls: string;
  /** Its Unix socket's directory (trust, no TLS). */
  socketDir: string;
  stop(): void;
}

/** Start the cluster (a few seconds: initdb, the certificates); `stop()` removes it. */
export function startTlsCluster(): TlsCluster {
  const out = execFileSync("bash", [script, "start", "--tls"], { encoding: "utf8" }).trim().split("\n").pop()!;
  const [data, url] = out.split(" ");
  return {
    port: new URL(url!).port,
    tls: `${data}/tls`,
    socketDir: `${data}/db`,
    stop: () => execFileSync("bash", [script, "stop", data!]),
  };
}
