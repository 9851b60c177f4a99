// Streams an export to stdout or to a file written whole or not at all (a temp file beside it, renamed over it when complete).
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { once } from "node:events";
import type { Sink } from "./write-json-export.js";

/** A sink that respects back-pressure, so a large export never piles up in memory. */
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

/** Runs `render` into `file` through a temp file renamed over it at the end; an interrupted export leaves the old file. Returns the bytes written. */
export async function renderToFile(file: string, render: (sink: Sink) => void | Promise<void>): Promise<number> {
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
