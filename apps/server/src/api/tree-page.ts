// Builds one page of the tree as the page draws it: every node's place, short text and logprob as columns, without tokens or the session's summary.
import type { DecisionEvent, Loom } from "@loom/core";
import type { z } from "zod";
import { TREE_TEXT_MAX, TreeDecisionSchema, type TreePageSchema } from "./schemas.js";

export type TreeDecision = z.infer<typeof TreeDecisionSchema>;
export type TreePage = z.infer<typeof TreePageSchema>;

const TREE_DECISION_KEYS = Object.keys(TreeDecisionSchema.shape) as (keyof TreeDecision)[];

/** The fields of a decision the tree needs (the schema names them). */
export function treeDecision(d: DecisionEvent): TreeDecision {
  const out: Record<string, unknown> = {};
  for (const key of TREE_DECISION_KEYS) out[key] = d[key];
  return out as TreeDecision;
}

function cut(text: string): string {
  return text.length > TREE_TEXT_MAX ? `${text.slice(0, TREE_TEXT_MAX - 1)}…` : text;
}

/** Nodes `cursor` … `cursor + limit - 1` in creation order; a parent's index usually comes before its children's (not after a move). */
export function buildTreePage(loom: Loom, options: { cursor: number; limit: number; version: number }): TreePage {
  const ids = Object.keys(loom.nodes);
  const end = Math.min(ids.length, options.cursor + options.limit);
  // Every node's index, not only this page's and earlier ones: a node moved under a younger one has its parent later.
  const index = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) index.set(ids[i]!, i);
  const n = Math.max(0, end - options.cursor);
  const nodes: TreePage["nodes"] = {
    id: new Array(n),
    parent: new Array(n),
    text: new Array(n),
    stepLogprob: new Array(n),
    decision: new Array(n),
    origin: new Array(n),
    chosenBy: new Array(n),
  };
  const decisions: TreeDecision[] = [];
  const decisionIndex = new Map<string, number>();
  for (let j = 0; j < n; j++) {
    const node = loom.nodes[ids[options.cursor + j]!]!;
    nodes.id[j] = node.id;
    nodes.parent[j] = node.parentId === null ? -1 : (index.get(node.parentId) ?? -1);
    nodes.text[j] = cut(node.text);
    // Three decimals are more than the tree shows, and a third of the bytes of a full double.
    nodes.stepLogprob[j] = node.stepLogprob === null ? null : Math.round(node.stepLogprob * 1000) / 1000;
    nodes.origin[j] = node.origin;
    nodes.chosenBy[j] = node.chosenBy;
    nodes.decision[j] = -1;
    if (node.decisionId) {
      let at = decisionIndex.get(node.decisionId);
      const d =
        at === undefined && Object.hasOwn(loom.decisions, node.decisionId)
          ? loom.decisions[node.decisionId]
          : undefined;
      if (d) {
        at = decisions.length;
        decisionIndex.set(d.id, at);
        decisions.push(treeDecision(d));
      }
      if (at !== undefined) nodes.decision[j] = at;
    }
  }
  return {
    version: options.version,
    total: ids.length,
    nodes,
    decisions,
    page: { cursor: options.cursor, limit: options.limit, nextCursor: end < ids.length ? end : null },
  };
}
