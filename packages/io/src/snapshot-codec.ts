// Encodes snapshots compactly (fields at their schema default left out, gzip once large) and decodes either form.
import { promisify } from "node:util";
import { gunzip, gzip, constants as zlibConstants } from "node:zlib";
import { DecisionEventSchema, NodeSchema, type Loom } from "@loom/core";
import type { z } from "zod";
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from "./formats.js";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Snapshots at least this large (uncompressed) are written gzip-compressed by default. */
export const COMPRESS_SNAPSHOTS_FROM_BYTES = 1024 * 1024;

/** Keys whose value may be left out when it equals the schema default (zod fills it back in on load). */
function defaultsOf(schema: z.ZodObject): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, field] of Object.entries(schema.shape)) {
    const def = (field as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod.def;
    if (def.type === "default") out.push([key, JSON.stringify(def.defaultValue)]);
  }
  return out;
}
const NODE_DEFAULTS = defaultsOf(NodeSchema);
const DECISION_DEFAULTS = defaultsOf(DecisionEventSchema);

function isDefault(value: unknown, encoded: string): boolean {
  if (value === null) return encoded === "null";
  if (typeof value === "object") {
    // Only empty objects/arrays can equal a default here; anything with content is kept.
    return (Array.isArray(value) ? value.length === 0 && encoded === "[]" : Object.keys(value).length === 0 && encoded === "{}");
  }
  return JSON.stringify(value) === encoded;
}

function sparse<T extends object>(record: T, defaults: [string, string][]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  for (const [key, encoded] of defaults) if (key in out && isDefault(out[key], encoded)) delete out[key];
  return out;
}

/** The loom with default-valued node and decision fields left out: about half the bytes, same meaning. */
export function sparseLoom(loom: Loom): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (const id in loom.nodes) nodes[id] = sparse(loom.nodes[id]!, NODE_DEFAULTS);
  const decisions: Record<string, unknown> = {};
  for (const id in loom.decisions) decisions[id] = sparse(loom.decisions[id]!, DECISION_DEFAULTS);
  return { ...loom, nodes, decisions };
}

export interface EncodeOptions {
  /** true / false, or "auto" (the default): compress when the JSON is at least 1 MiB. */
  compress?: boolean | "auto";
  /** See SnapshotSchema.manifestBytes. */
  manifestBytes?: number | null;
}

/** Serialise a snapshot synchronously (so it is exactly the loom now) and return a function that finishes encoding off-thread. */
export function encodeSnapshot(seq: number, loom: Loom, options: EncodeOptions = {}): { json: string; finish: () => Promise<string | Buffer> } {
  const json = JSON.stringify({
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    seq,
    manifestBytes: options.manifestBytes ?? null,
    loom: sparseLoom(loom),
  });
  const mode = options.compress ?? "auto";
  const compress = mode === "auto" ? json.length >= COMPRESS_SNAPSHOTS_FROM_BYTES : mode;
  return {
    json,
    // zlib's async API runs in libuv's thread pool, so a big snapshot does not block commits.
    finish: async () => (compress ? gzipAsync(json, { level: zlibConstants.Z_BEST_SPEED }) : json),
  };
}

/** The JSON text of a snapshot file, gunzipping it when it starts with the gzip magic bytes. */
export async function snapshotText(bytes: Buffer): Promise<string> {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return (await gunzipAsync(bytes)).toString("utf8");
  return bytes.toString("utf8");
}
