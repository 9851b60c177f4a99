// Writes a file piece by piece, whole or not at all: a temp file beside it, renamed over it when complete,
// so an interrupted export leaves the old file and no whole-file string is ever built.
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { rename, rm } from "node:fs/promises";

/** Where a streamed export writes its pieces (awaited, so back-pressure reaches the producer). */
export type Sink = (chunk: string) => Promise<void> | void;

/** A sink over a stream that waits for "drain", so a large export never piles up in memory. */
export function streamSink(stream: NodeJS.WritableStream): { sink: Sink; bytes: () => number } {
  let bytes = 0;
  return {
    bytes: () => bytes,
    sink: async (chunk) => {
      bytes += Buffer.byteLength(chunk);
      if (!stream.write(chunk)) await once(stream, "drain");
    },
  };
}

/** Runs `render` into `file` through a temp file renamed over it at the end. Returns the bytes written. */
export async function writeFileStreamed(file: string, render: (sink: Sink) => void | Promise<void>): Promise<number> {
  const temp = `${file}.part-${process.pid}`;
  const stream = createWriteStream(temp);
  const { sink, bytes } = streamSink(stream);
  try {
    await render(sink);
    stream.end();
    await once(stream, "finish");
    await rename(temp, file);
  } catch (error) {
    stream.destroy();
    await rm(temp, { force: true });
    throw error;
  }
  return bytes();
}
