// Child process for the crash test: commits decisions in a loop, printing each id once `mutate` has returned.
// Usage: node --import tsx crash-writer.ts <session-dir> <seed>
import { writeSync } from "node:fs";
import { addCandidates, answerClarification, checkout, choose, resolveDecision } from "@loom/core";
import { seededRandom } from "@loom/core/internal";
import { openSession } from "../session.js";

const [dir, seedArg] = process.argv.slice(2);
const rand = seededRandom(Number(seedArg ?? 1));

writeSync(1, "opening\n");
// Small compaction threshold, so kills also land in the middle of snapshots and journal swaps.
const session = await openSession(dir!, { compactAfterBytes: 4096 });
writeSync(1, "open\n");
const ids = Object.keys(session.loom.nodes);
for (let i = 0; ; i++) {
  const tip = session.loom.currentPath[session.loom.currentPath.length - 1]!;
  const texts = Array.from({ length: 4 }, (_, k) => ({ text: ` w${i}.${k}`, stepLogprob: -rand() * 8 }));
  const { decisionId, nodeIds } = session.mutate((l) => addCandidates(l, tip, texts));
  const pick = nodeIds[Math.floor(rand() * nodeIds.length)]!;
  if (i % 7 === 3) {
    session.mutate((l) =>
      resolveDecision(l, decisionId, {
        action: "clarify",
        chosenBy: "selector_llm",
        question: `q${i}?`,
        candidatesInTension: nodeIds.slice(0, 2),
        whatHingesOnIt: "tone",
      }),
    );
    session.mutate((l) =>
      answerClarification(l, decisionId, `answer ${i}`, {
        action: "choose",
        chosenNodeId: pick,
        chosenBy: "human",
        reason: "answered",
      }),
    );
  } else {
    session.mutate((l) => choose(l, decisionId, pick, "selector_llm", `step ${i}`));
  }
  writeSync(1, `${decisionId}\n`);
  ids.push(...nodeIds);
  if (i % 11 === 10) {
    const target = ids[Math.floor(rand() * ids.length)]!;
    session.mutate((l) => checkout(l, target));
  }
  // Yield like a real session between model calls, so background compaction gets to run.
  await new Promise((resolve) => setImmediate(resolve));
}
