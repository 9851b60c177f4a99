// Expand to depth: a subtree of candidates below a node, depth levels of width each, generated without choosing (a look-ahead the writer reads).
import {
  addCandidates,
  estimateTextTokens,
  openDecisionAt,
  pathText,
  pendingClarification,
  rootPath,
  type Loom,
  type LoomEnv,
} from "@loom/core";
import { drawCandidates, type DrawParts } from "./draw-candidates.js";
import { OrchestratorError } from "./orchestrator-error.js";
import { withPromptContext } from "./prompt-context.js";
import type { SessionLike } from "./session-like.js";
import { priceOf, type PriceTable } from "./usage.js";

/** The most nodes one look-ahead may make (a runaway depth × width would fill the session and the bill). */
export const MAX_LOOK_AHEAD_NODES = 2000;

export interface LookAheadShape {
  /** Levels below the node (1: its children only). */
  depth: number;
  /** Candidates per node from the session's generator (generators alongside it add theirs). */
  width: number;
}

export interface LookAheadGeneratorEstimate {
  provider: string;
  model: string;
  /** A service that bills for requests (see GeneratorCapabilities.hosted). */
  hosted: boolean;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** US$ from the configured prices; null when this model has none. */
  costUsd: number | null;
}

/** What a look-ahead will cost before it starts: counts are exact, tokens an estimate (~4 characters a token, full segments). */
export interface LookAheadEstimate extends LookAheadShape {
  nodeId: string;
  /** Nodes it will add. */
  nodes: number;
  /** Generator calls (one per node expanded, per generator). */
  calls: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum over the priced generators; null when none is priced. */
  costUsd: number | null;
  /** Hosted generators without a configured price ("provider:model"): their cost is unknown. */
  unpriced: string[];
  /** Some generator is a billed service or has a price: apps ask before starting. */
  paid: boolean;
  generators: LookAheadGeneratorEstimate[];
}

export interface LookAheadResult {
  nodeId: string;
  /** Every node added, level by level. */
  nodeIds: string[];
  decisionIds: string[];
  /** Levels completed (less than the depth asked for when aborted). */
  levels: number;
  aborted: boolean;
}

export interface LookAheadParts extends DrawParts {
  session: SessionLike;
  env: LoomEnv;
}

function checkShape(loom: Loom, nodeId: string, shape: LookAheadShape, perNode: number): number {
  if (!loom.nodes[nodeId]) throw new OrchestratorError("invalid_argument", `no node "${nodeId}" in this session`);
  for (const [name, value, max] of [
    ["depth", shape.depth, 32],
    ["width", shape.width, 64],
  ] as const) {
    if (!Number.isInteger(value) || value < 1 || value > max)
      throw new OrchestratorError("invalid_argument", `${name} must be a whole number from 1 to ${max} (got ${value})`);
  }
  let nodes = 0;
  let level = 1;
  for (let d = 1; d <= shape.depth; d++) {
    level *= perNode;
    nodes += level;
  }
  if (nodes > MAX_LOOK_AHEAD_NODES)
    throw new OrchestratorError(
      "invalid_argument",
      `depth ${shape.depth} × width ${shape.width} makes ${nodes} nodes; a look-ahead makes at most ${MAX_LOOK_AHEAD_NODES} (lower the depth or the width)`,
    );
  return nodes;
}

const perNodeOf = (parts: DrawParts, width: number) =>
  width + parts.sources.slice(1).reduce((sum, s) => sum + (s.n ?? parts.loom.config.generator.branchingFactor), 0);

/** The cost of a look-ahead below `nodeId`, before any call: nodes, calls, tokens and US$ where priced. */
export function estimateLookAhead(
  parts: DrawParts,
  prices: PriceTable,
  nodeId: string,
  shape: LookAheadShape,
): LookAheadEstimate {
  const loom = parts.loom;
  const perNode = perNodeOf(parts, shape.width);
  const nodes = checkShape(loom, nodeId, shape, perNode);
  const path = rootPath(loom, nodeId);
  const segment = loom.config.generator.segmentTokens;
  const promptTokens = estimateTextTokens(withPromptContext(loom, pathText(loom, path), path).text.length);
  const generators = parts.sources.map((source, i): LookAheadGeneratorEstimate => {
    const g = source.generator;
    const n = i === 0 ? shape.width : (source.n ?? loom.config.generator.branchingFactor);
    const requestsPerCall = g.capabilities.nativeN ? 1 : n;
    let requests = 0;
    let inputTokens = 0;
    let parents = 1;
    // Nodes expanded (nodes / perNode: every level's parents) times this generator's candidates each.
    // Each level's prompts are a segment longer than the last's.
    for (let level = 0; level < shape.depth; level++) {
      requests += parents * requestsPerCall;
      inputTokens += parents * requestsPerCall * (promptTokens + level * segment);
      parents *= perNode;
    }
    const outputTokens = (nodes / perNode) * n * segment;
    const price = priceOf(prices, g.provider, g.model);
    return {
      provider: g.provider,
      model: g.model,
      hosted: g.capabilities.hosted === true,
      requests,
      inputTokens,
      outputTokens,
      costUsd: price ? (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1e6 : null,
    };
  });
  const priced = generators.filter((g) => g.costUsd !== null);
  const sum = (f: (g: LookAheadGeneratorEstimate) => number) => generators.reduce((s, g) => s + f(g), 0);
  return {
    nodeId,
    ...shape,
    nodes,
    calls: (nodes / perNode) * generators.length,
    requests: sum((g) => g.requests),
    inputTokens: sum((g) => g.inputTokens),
    outputTokens: sum((g) => g.outputTokens),
    costUsd: priced.length ? priced.reduce((s, g) => s + g.costUsd!, 0) : null,
    unpriced: generators.filter((g) => g.hosted && g.costUsd === null).map((g) => `${g.provider}:${g.model}`),
    paid: generators.some((g) => g.hosted || g.costUsd !== null),
    generators,
  };
}

/**
 * Generate the subtree level by level, each node's candidates journaled as one addCandidates op (joining an
 * open decision there, else opening one), nothing chosen and the tip left where it is. Each node records
 * `meta.lookAhead` ({from, level}). An abort ends it between calls; what was added stays.
 */
export async function lookAhead(
  parts: LookAheadParts,
  nodeId: string,
  shape: LookAheadShape & { signal?: AbortSignal },
): Promise<LookAheadResult> {
  const loom = parts.loom;
  checkShape(loom, nodeId, shape, perNodeOf(parts, shape.width));
  const pending = pendingClarification(loom);
  if (pending && pending.parentNodeId === nodeId)
    throw new OrchestratorError(
      "invalid_state",
      `decision ${pending.id} below node ${nodeId} waits for an answer to its clarification; answer it first`,
    );
  const result: LookAheadResult = { nodeId, nodeIds: [], decisionIds: [], levels: 0, aborted: false };
  let frontier = [nodeId];
  for (let level = 1; level <= shape.depth; level++) {
    const next: string[] = [];
    for (const parent of frontier) {
      if (shape.signal?.aborted) return { ...result, aborted: true };
      const open = openDecisionAt(parts.session.loom, parent);
      let candidates: Awaited<ReturnType<typeof drawCandidates>>;
      try {
        candidates = await drawCandidates(parts, {
          path: rootPath(parts.session.loom, parent),
          existing: open ? parts.session.loom.decisions[open]!.candidateNodeIds.length : 0,
          n: shape.width,
          ...(shape.signal ? { signal: shape.signal } : {}),
        });
      } catch (error) {
        if (shape.signal?.aborted) return { ...result, aborted: true };
        throw error;
      }
      const marked = candidates.map((c) => ({ ...c, meta: { ...c.meta, lookAhead: { from: nodeId, level } } }));
      const added = parts.session.mutate((l) =>
        addCandidates(l, parent, marked, { env: parts.env, ...(open ? { decisionId: open } : {}) }),
      );
      result.nodeIds.push(...added.nodeIds);
      if (!result.decisionIds.includes(added.decisionId)) result.decisionIds.push(added.decisionId);
      next.push(...added.nodeIds);
      const now = parts.session.loom;
      parts.bus.emit({
        type: "expanded",
        fromNodeId: nodeId,
        level,
        depth: shape.depth,
        decisionId: added.decisionId,
        parentNodeId: parent,
        // The decision's every candidate (an open one joined keeps its earlier ones), as a step presents them.
        candidates: now.decisions[added.decisionId]!.candidateNodeIds.map((id) => ({
          id,
          text: now.nodes[id]!.text,
          stepLogprob: now.nodes[id]!.stepLogprob,
        })),
      });
    }
    result.levels = level;
    frontier = next;
  }
  return result;
}
