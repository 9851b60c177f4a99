// One session's whole life through a URL: created, one decision committed, closed, and its text read back.
import { addCandidates, choose, createLoom } from "@loom/core";
import { postgresSessionStore } from "../pg-store.js";

/** Create session `id` through `address` (seed "Sealed", one candidate " in transit" chosen) and read it back; the text read. */
export async function roundTrip(address: string, id: string): Promise<string> {
  const store = postgresSessionStore(address);
  try {
    const session = await store.create(id, createLoom({ seed: "Sealed" }));
    const { decisionId, nodeIds } = session.mutate((l) => addCandidates(l, l.rootId, [{ text: " in transit" }]));
    session.mutate((l) => choose(l, decisionId, nodeIds[0]!, "human", "the only one"));
    await session.close();
    return (await store.show(id)).text;
  } finally {
    await store.close();
  }
}
