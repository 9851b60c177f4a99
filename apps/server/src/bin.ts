#!/usr/bin/env node
// loom-server: start the server from the command line (the CLI's `loom serve` calls startServer directly).
import { parseArgs } from "node:util";
import { startServer } from "./start-server.js";

const USAGE = `Usage: loom-server [--host 127.0.0.1] [--port 4321] [--dir ./sessions] [--token T] [--model path.gguf] [--cors origin] [--durable]

Examples:
  loom-server --dir ./sessions --model ../shared/models/stories260K.gguf
  loom-server --host 0.0.0.0 --port 8080          # prints a generated token; open /?token=<token>
--durable fsyncs every decision of every session (default: group commit, at most 100 ms of decisions at risk on power loss).
Environment: LOOM_SERVER_TOKEN (token), LOOM_MODEL (default local model).`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: "string", default: "127.0.0.1" },
        port: { type: "string", default: "4321" },
        dir: { type: "string", default: "./sessions" },
        token: { type: "string" },
        model: { type: "string" },
        cors: { type: "string", multiple: true },
        durable: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer from 0 to 65535 (got "${values.port}")`);
    return 2;
  }
  const model = values.model ?? process.env.LOOM_MODEL;
  const token = values.token ?? process.env.LOOM_SERVER_TOKEN;
  const server = await startServer({
    host: values.host,
    port,
    sessionsDir: values.dir,
    ...(token ? { token } : {}),
    ...(values.cors ? { corsOrigins: values.cors } : {}),
    ...(values.durable ? { backendOptions: { sessionOptions: { durable: true } } } : {}),
    ...(model ? { defaultConfig: { generator: { provider: "local", model } } } : {}),
  });
  const link = server.token ? `${server.url}/?token=${server.token}` : server.url;
  console.log(`loom server listening on ${link} (sessions in ${values.dir})`);
  // Handlers stay registered (not `once`): the local engine re-raises the signal after its own clean-up,
  // which with no handler left would kill the process before the sessions are compacted and unlocked.
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`loom server: closing failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
