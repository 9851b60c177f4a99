// A worker thread of `loom analyze`: reads each session the main thread names and posts back its packed facts.
import { parentPort } from "node:worker_threads";
import { packFacts } from "./facts-transfer.js";
import { readSessionFacts } from "./read-session-facts.js";
import type { ReadReply, ReadRequest } from "./worker-messages.js";

const port = parentPort;
if (port === null) throw new Error("session-worker.js runs as a worker thread (facts-pool.ts starts it)");

async function reply(request: ReadRequest): Promise<void> {
  let facts;
  try {
    facts = packFacts(await readSessionFacts(request.dir));
  } catch (error) {
    port!.postMessage({ index: request.index, error: (error as Error).message } satisfies ReadReply);
    return;
  }
  // The typed arrays are moved, not copied.
  port!.postMessage({ index: request.index, facts } satisfies ReadReply, [
    facts.numbers.buffer,
    facts.numberNulls.buffer,
    facts.stringRefs.buffer,
  ]);
}

// One session at a time, in the order asked: a worker holds one session's records at most.
let queue = Promise.resolve();
port.on("message", (request: ReadRequest) => {
  queue = queue.then(() => reply(request));
});
