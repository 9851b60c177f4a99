// Reads a session read-only into its loom head, compact nodes and decisions: streamed from the snapshot when it alone is the session, else read whole.
import type { DecisionEvent, Loom, LoomNode } from "@loom/core";
import { readSession, readSnapshotRecords, tokenTexts } from "@loom/io";
import { readSnapshotOutline, TextNumbers, type NodeOutline } from "@loom/io/internal";

/** What analysis keeps of a node: no alternatives, no provenance (@loom/io's outline of a node). */
export type NodeLite = NodeOutline;

export interface CompactSession {
  /** The loom without its nodes and decisions (ids, paths, brief and its history, config). */
  head: Omit<Loom, "nodes" | "decisions">;
  /** By id (a Map: see SnapshotOutline.nodes). */
  nodes: ReadonlyMap<string, NodeLite>;
  /** The numbering of the nodes' token texts. */
  tokenTexts: TextNumbers;
  decisions: DecisionEvent[];
  /** Recovery notes from a whole read (a torn last journal line…). */
  warnings: string[];
}

export const lite = (node: LoomNode, numbers: TextNumbers): NodeLite => ({
  parentId: node.parentId,
  text: node.text,
  // Only the texts: a lazily read list's alternatives and logprobs are never built.
  tokenNumbers: node.tokens ? numbers.numbersOf(tokenTexts(node.tokens)) : null,
  stepLogprob: node.stepLogprob,
  origin: node.origin,
});

/**
 * The session without taking its lock or changing a byte. A session closed cleanly is read from its snapshot's
 * outline (what analysis needs of each node, no records kept); one of an older snapshot version is streamed
 * from its snapshot one frame at a time; otherwise (a journal after the snapshot) it is read whole, as
 * `loom show` would, the journal's ops applied. Throws IoError naming the file on damage.
 */
export async function readCompactSession(dir: string): Promise<CompactSession> {
  const numbers = new TextNumbers();
  const outline = await readSnapshotOutline(dir, numbers);
  if (outline)
    return {
      head: outline.loom,
      nodes: outline.nodes,
      tokenTexts: numbers,
      decisions: outline.decisions,
      warnings: [],
    };
  const nodes = new Map<string, NodeLite>();
  const decisions: DecisionEvent[] = [];
  const streamed = await readSnapshotRecords(dir);
  if (streamed) {
    for await (const r of streamed.records()) {
      if (r.kind === "node") nodes.set(r.record.id, lite(r.record, numbers));
      else decisions.push(r.record);
    }
    return { head: streamed.loom, nodes, tokenTexts: numbers, decisions, warnings: [] };
  }
  const { loom, warnings } = await readSession(dir);
  for (const id in loom.nodes) nodes.set(id, lite(loom.nodes[id]!, numbers));
  const { nodes: _n, decisions: all, ...head } = loom;
  return { head, nodes, tokenTexts: numbers, decisions: Object.values(all), warnings: [...warnings] };
}
