// Downloads a GGUF file to a path with a progress callback, a timeout and an atomic rename; fetch and URL are injectable.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { FailureError } from "../cli/exit-error.js";

/** Hugging Face hub location of the small TinyStories model (karpathy/tinyllamas, MIT, converted to GGUF by ggml-org). */
export const DEFAULT_MODEL_URL = "https://huggingface.co/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf";

/** SHA-256 of that file (1,185,376 bytes; the hub's LFS oid, and the hash of ../shared/models/stories260K.gguf). */
export const DEFAULT_MODEL_SHA256 = "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d";

export interface DownloadOptions {
  url: string;
  dest: string;
  /** Give up when no byte has arrived for this long (connecting included). */
  idleTimeoutMs: number;
  signal: AbortSignal;
  fetch?: typeof globalThis.fetch;
  onProgress?: (received: number, total: number | null) => void;
  /** Expected SHA-256 (hex): a file that does not match is not kept. */
  sha256?: string;
}

const OFFLINE_HINT =
  "no network here? set LOOM_MODEL to a GGUF file you already have (e.g. LOOM_MODEL=/path/to/stories260K.gguf), or pass --model PATH";

export async function downloadModel(options: DownloadOptions): Promise<{ bytes: number }> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(new Error(`no data for ${options.idleTimeoutMs} ms`)), options.idleTimeoutMs);
  const bump = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(new Error(`no data for ${options.idleTimeoutMs} ms`)), options.idleTimeoutMs);
  };
  const signal = AbortSignal.any([options.signal, idle.signal]);
  const temp = `${options.dest}.part-${process.pid}`;
  try {
    let response: Response;
    try {
      response = await fetchImpl(options.url, { signal, redirect: "follow" });
    } catch (error) {
      throw new FailureError(`could not download ${options.url}: ${reasonOf(error, signal)}`, OFFLINE_HINT);
    }
    if (!response.ok || !response.body) {
      throw new FailureError(
        `could not download ${options.url}: HTTP ${response.status} ${response.statusText}`.trim(),
        OFFLINE_HINT,
      );
    }
    const length = Number(response.headers.get("content-length"));
    const total = Number.isFinite(length) && length > 0 ? length : null;
    await mkdir(dirname(options.dest), { recursive: true });
    const file = createWriteStream(temp);
    const hash = createHash("sha256");
    let received = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        bump();
        received += chunk.byteLength;
        hash.update(chunk);
        if (!file.write(chunk)) await new Promise<void>((r) => file.once("drain", () => r()));
        options.onProgress?.(received, total);
      }
    } catch (error) {
      file.destroy();
      throw new FailureError(
        `download of ${options.url} broke off after ${received} bytes: ${reasonOf(error, signal)}`,
        OFFLINE_HINT,
      );
    }
    await new Promise<void>((resolveClose, reject) =>
      file.end((err?: Error | null) => (err ? reject(err) : resolveClose())),
    );
    await checkGguf(temp, options.url);
    const digest = hash.digest("hex");
    if (options.sha256 && digest !== options.sha256) {
      throw new FailureError(
        `${options.url}: checksum mismatch (SHA-256 ${digest}, expected ${options.sha256}); the file was not kept`,
        "the download was damaged or the server sent another file: try again, or give LOOM_MODEL a file you trust",
      );
    }
    const handle = await open(temp, "r");
    await handle.sync();
    await handle.close();
    await rename(temp, options.dest);
    return { bytes: received };
  } finally {
    clearTimeout(timer);
    await rm(temp, { force: true });
  }
}

function reasonOf(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const r = signal.reason;
    return r instanceof Error ? r.message : "aborted";
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

async function checkGguf(path: string, url: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead < 4 || buffer.toString("latin1") !== "GGUF") {
      throw new FailureError(`${url} did not return a GGUF file (no GGUF magic at the start)`, OFFLINE_HINT);
    }
  } finally {
    await handle.close();
  }
}
