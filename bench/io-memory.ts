// Heap (plus buffers) a full open holds per node, measured in a process of its own (run by io.bench.ts's
// memoryPerNode): in the bench's own process, garbage from growing the session was still being collected while it
// measured, which once printed -108 bytes per node. Baseline, in the same process: the same loom with its nodes as
// plain JSON objects (one object per token and alternative), which is how nodes were held before TokenList.
import type { Loom } from "@loom/core";
import { readSession } from "@loom/io";

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const settled = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return used();
};

const dir = process.argv[2]!;
if (!globalThis.gc) throw new Error("io-memory needs --expose-gc");
const before = settled();
let held: Loom | null = (await readSession(dir)).loom;
const count = Object.keys(held.nodes).length;
const packed = (settled() - before) / count;
const plainOf = (loom: Loom): object => {
  const nodes: Record<string, unknown> = {};
  for (const id in loom.nodes) nodes[id] = JSON.parse(JSON.stringify(loom.nodes[id]));
  return { ...loom, nodes };
};
let plainLoom: object | null = plainOf(held);
held = null;
const plain = (settled() - before) / count;
void plainLoom;
plainLoom = null;
process.stdout.write(JSON.stringify({ packed, plain }));
