// Reads one session of a store (PostgreSQL: a sweep's sessions) read-only into SessionFacts, as the files' reader does.
import { USAGE_STATE_NAME } from "@loom/core";
import type { SessionStore } from "@loom/io";
import { TextNumbers } from "@loom/io/internal";
import { lite, type NodeLite } from "./compact-session.js";
import { usageRows } from "./read-session-facts.js";
import { factsOf } from "./session-facts-builder.js";
import type { SessionFacts } from "./session-facts.js";

/** Session `id` of `store`, opened without its lock; its `dir` in the facts is the store's name for it. */
export async function readStoredSessionFacts(store: SessionStore, id: string): Promise<SessionFacts> {
  const session = await store.open(id, { readOnly: true });
  try {
    const { nodes, decisions, ...head } = session.loom;
    const lites = new Map<string, NodeLite>();
    const numbers = new TextNumbers();
    for (const [nodeId, node] of Object.entries(nodes)) lites.set(nodeId, lite(node, numbers));
    const usage = usageRows(await session.readState<Record<string, unknown>>(USAGE_STATE_NAME));
    return factsOf({
      dir: session.dir,
      head,
      nodes: lites,
      tokenTexts: numbers,
      decisions: Object.values(decisions),
      usage,
      warnings: [...session.warnings],
    });
  } finally {
    await session.close();
  }
}
