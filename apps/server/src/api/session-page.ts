// Builds the JSON view of a session the page and API clients read: summary, current path, open decision and one page of the tree.
import { currentText, heldPathRows, type DecisionEvent, type Loom, type LoomNode } from "@loom/core";
import type { z } from "zod";
import type { DecisionSummarySchema, NodeSummarySchema, OpenCandidateSchema, SessionPageSchema } from "./schemas.js";

export type NodeSummary = z.infer<typeof NodeSummarySchema>;
export type DecisionSummary = z.infer<typeof DecisionSummarySchema>;
export type OpenCandidate = z.infer<typeof OpenCandidateSchema>;
export type SessionPage = z.infer<typeof SessionPageSchema>;

export function nodeSummary(n: LoomNode): NodeSummary {
  return {
    id: n.id,
    parentId: n.parentId,
    text: n.text,
    stepLogprob: n.stepLogprob,
    decisionId: n.decisionId,
    chosenBy: n.chosenBy,
    origin: n.origin,
  };
}

/** provider:model from a node's provenance, a model file by its name only (the server's paths stay on the server). */
export function modelOf(n: LoomNode): string | null {
  const provider = n.meta["provider"];
  const model = n.meta["model"];
  if (typeof provider !== "string" || provider === "") return null;
  if (typeof model !== "string" || model === "") return provider;
  // Read by the page's bundle too, which has no node:path: the file name is what follows the last separator.
  return `${provider}:${provider === "local" ? model.slice(Math.max(model.lastIndexOf("/"), model.lastIndexOf("\\")) + 1) : model}`;
}

export function decisionSummary(d: DecisionEvent): DecisionSummary {
  return {
    id: d.id,
    parentNodeId: d.parentNodeId,
    candidateNodeIds: d.candidateNodeIds,
    action: d.action,
    chosenNodeId: d.chosenNodeId,
    chosenBy: d.chosenBy,
    reason: d.reason,
    clarificationQuestion: d.clarificationQuestion,
    candidatesInTension: d.candidatesInTension,
    whatHingesOnIt: d.whatHingesOnIt,
    humanResponse: d.humanResponse,
    maxLogprob: d.maxLogprob,
    chosenLogprob: d.chosenLogprob,
    logprobGap: d.logprobGap,
    timestamp: d.timestamp,
    resolvedAt: d.resolvedAt,
    briefVersion: d.briefVersion,
  };
}

/** Config as the page may see it: settings only (the schema holds no keys, and outputDir is a server path). */
function publicConfig(loom: Loom): Record<string, unknown> {
  const { outputDir: _outputDir, ...rest } = loom.config;
  return rest;
}

export interface PageOptions {
  cursor: number;
  limit: number;
  /** How many of the path's latest steps `path` and `history` carry (default: all). */
  steps?: number;
  version: number;
  running: boolean;
}

export function buildSessionPage(loom: Loom, options: PageOptions): SessionPage {
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  const path: NodeSummary[] = [];
  const history: DecisionSummary[] = [];
  // A long path is most of a summary's bytes: only the latest steps asked for travel (plus the root's place).
  const steps = options.steps ?? loom.currentPath.length;
  const pathStart = Math.max(0, loom.currentPath.length - 1 - steps);
  for (let i = pathStart; i < loom.currentPath.length; i++) {
    const node = loom.nodes[loom.currentPath[i]!]!;
    path.push(nodeSummary(node));
    const d = node.decisionId ? loom.decisions[node.decisionId] : undefined;
    if (d) history.push(decisionSummary(d));
  }

  // One pass over the decisions finds what is happening at the tip and any pending question.
  let open: DecisionEvent | null = null;
  let stopped = false;
  let pending: DecisionEvent | null = null;
  let decisionCount = 0;
  for (const d of Object.values(loom.decisions)) {
    decisionCount++;
    if (d.action === "clarify" && d.humanResponse === null) pending = d;
    if (d.parentNodeId !== tip) continue;
    if (d.action === null) open = d;
    else if (d.action === "stop") stopped = true;
  }
  // A stop that the writer went on from (new candidates at the same tip) is over.
  if (open) stopped = false;
  if (stopped) {
    const stop = Object.values(loom.decisions)
      .filter((d) => d.parentNodeId === tip && d.action === "stop")
      .at(-1);
    if (stop) history.push(decisionSummary(stop));
  }

  const ids = Object.keys(loom.nodes);
  const pageIds = ids.slice(options.cursor, options.cursor + options.limit);
  const nodes: NodeSummary[] = new Array(pageIds.length);
  const decisions = new Map<string, DecisionSummary>();
  for (let i = 0; i < pageIds.length; i++) {
    const node = loom.nodes[pageIds[i]!]!;
    nodes[i] = nodeSummary(node);
    if (node.decisionId && !decisions.has(node.decisionId)) {
      const d = loom.decisions[node.decisionId];
      if (d) decisions.set(d.id, decisionSummary(d));
    }
  }
  const next = options.cursor + options.limit;

  return {
    id: loom.sessionId,
    version: options.version,
    rootId: loom.rootId,
    createdAt: loom.createdAt,
    brief: loom.brief,
    briefVersion: loom.briefVersion,
    config: publicConfig(loom),
    text: currentText(loom),
    currentPath: loom.currentPath,
    stopped,
    running: options.running,
    totals: { nodes: ids.length, decisions: decisionCount },
    pathStart,
    path,
    history,
    open: open
      ? {
          decision: decisionSummary(open),
          candidates: open.candidateNodeIds.map((id) => ({
            ...nodeSummary(loom.nodes[id]!),
            model: modelOf(loom.nodes[id]!),
          })),
        }
      : null,
    pendingClarification: pending ? decisionSummary(pending) : null,
    heldPaths: heldPathRows(loom),
    nodes,
    decisions: [...decisions.values()],
    marks: { pruned: loom.pruned, bookmarks: loom.bookmarks, tags: loom.tags },
    undo: loom.undo.at(-1)?.label ?? null,
    redo: loom.redo.at(-1)?.label ?? null,
    page: { cursor: options.cursor, limit: options.limit, nextCursor: next < ids.length ? next : null },
  };
}
