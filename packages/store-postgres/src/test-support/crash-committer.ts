// Child process for the kill -9 test: commits decisions in a loop, printing each id once `flush()` acknowledged it.
// Usage: node --import tsx crash-committer.ts <store spec> <session id> <seed>
import { writeSync } from "node:fs";
import { addCandidates, choose } from "@loom/core";
import { seededRandom } from "@loom/core/internal";
import { SessionLockedError, type Session } from "@loom/io";
import { storeOfSpec } from "./both-stores.js";

const [spec, id, seedArg] = process.argv.slice(2);
const rand = seededRandom(Number(seedArg ?? 1));

const store = storeOfSpec(spec!);
let session: Session | null = null;
// The previous child was killed a moment ago: PostgreSQL frees its lock once it sees the connection gone.
for (let attempt = 0; session === null; attempt++) {
  try {
    session = await store.open(id!);
  } catch (error) {
    if (!SessionLockedError.isInstance(error) || attempt > 100) throw error;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
writeSync(1, "open\n");
for (let i = 0; ; i++) {
  const tip = session.loom.currentPath[session.loom.currentPath.length - 1]!;
  const texts = Array.from({ length: 4 }, (_, k) => ({ text: ` w${i}.${k}`, stepLogprob: -rand() * 8 }));
  const { decisionId, nodeIds } = session.mutate((l) => addCandidates(l, tip, texts));
  session.mutate((l) => choose(l, decisionId, nodeIds[Math.floor(rand() * 4)]!, "selector_llm", `step ${i}`));
  await session.flush();
  writeSync(1, `${decisionId}\n`);
}
