// Tree operations as functions: each builds an op (ids and times from the env), applies it with applyOp, and returns it.
import type { ChosenBy, LoomNode, Token } from "./node.js";
import { NodeSchema } from "./node.js";
import { defaultEnv, type LoomEnv } from "./env.js";
import { parseNodeFast } from "./fast-parse.js";
import { LoomError } from "./errors.js";
import type { Loom } from "./loom.js";
import { openDecisionAt } from "./loom-index.js";
import { applyOp, type FinalResolution, type LoomOp, type ResolutionInput, ResolutionSchema } from "./loom-op.js";
import { getNode } from "./text.js";
import type { BranchChoice } from "./token-branch.js";
import { SessionConfigSchema, type SessionConfigInput } from "./session-config.js";
import { BriefSchema, type BriefInput } from "./brief.js";

export interface CandidateInput {
  text: string;
  tokens?: Token[] | null;
  /** Defaults to the sum of the tokens' logprobs when every token has one, else null. */
  stepLogprob?: number | null;
  meta?: Record<string, unknown>;
  origin?: "generated" | "human";
}

/** The sum of the tokens' logprobs (a step's logprob), or null when any token lacks one: a partial sum would mislead. */
export function sumLogprobs(tokens: readonly Token[] | null | undefined): number | null {
  if (!tokens || tokens.length === 0) return null;
  let sum = 0;
  for (const t of tokens) {
    if (t.logprob === undefined) return null;
    sum += t.logprob;
  }
  return sum;
}

export interface AddCandidatesResult {
  op: Extract<LoomOp, { op: "addCandidates" }>;
  decisionId: string;
  nodeIds: string[];
}

/**
 * Add candidates under `parentNodeId`. They join `decisionId` if given (it must be open: a reroll),
 * otherwise a new decision is opened.
 */
export function addCandidates(
  loom: Loom,
  parentNodeId: string,
  candidates: readonly CandidateInput[],
  options: { decisionId?: string; env?: LoomEnv } = {},
): AddCandidatesResult {
  const env = options.env ?? defaultEnv;
  if (candidates.length === 0) throw new LoomError("invalid_operation", "addCandidates needs at least one candidate");
  getNode(loom, parentNodeId);
  const decisionId = options.decisionId ?? env.newId("decision");
  const timestamp = env.now();
  const nodes: LoomNode[] = candidates.map((c) => {
    // Every field, in schema order, so the fast check can take this object as the node without a copy.
    const input = {
      id: env.newId("node"),
      parentId: parentNodeId,
      text: c.text,
      tokens: c.tokens ?? null,
      stepLogprob: c.stepLogprob !== undefined ? c.stepLogprob : sumLogprobs(c.tokens),
      decisionId,
      chosenBy: null,
      selectionReason: null,
      scores: {},
      createdAt: timestamp,
      origin: c.origin ?? "generated",
      replacesId: null,
      meta: c.meta ?? {},
    };
    // Validated because a malformed node would make the journal unloadable; zod only when the fast check
    // has doubts (it reports precisely, or strips what the fast check will not).
    return parseNodeFast(input) ?? NodeSchema.parse(input);
  });
  const op = { op: "addCandidates", decisionId, parentNodeId, timestamp, nodes } as const satisfies LoomOp;
  applyOp(loom, op);
  return { op, decisionId, nodeIds: nodes.map((n) => n.id) };
}

/**
 * Add a human-written continuation under a node. It joins the open decision there (or opens one),
 * so it can be chosen like any candidate.
 */
export function addHumanNode(loom: Loom, parentNodeId: string, text: string, env: LoomEnv = defaultEnv) {
  const open = openDecisionAt(loom, parentNodeId);
  const result = addCandidates(loom, parentNodeId, [{ text, origin: "human" }], {
    env,
    ...(open ? { decisionId: open } : {}),
  });
  return { op: result.op, decisionId: result.decisionId, nodeId: result.nodeIds[0]! };
}

/** Resolve an open decision as choose, clarify or stop. */
export function resolveDecision(
  loom: Loom,
  decisionId: string,
  resolution: ResolutionInput,
  env: LoomEnv = defaultEnv,
) {
  const op: LoomOp = { op: "resolve", decisionId, at: env.now(), resolution: ResolutionSchema.parse(resolution) };
  applyOp(loom, op);
  return op;
}

/** Convenience for the common case of choosing a candidate. */
export function choose(
  loom: Loom,
  decisionId: string,
  chosenNodeId: string,
  chosenBy: ChosenBy,
  reason: string,
  env: LoomEnv = defaultEnv,
) {
  return resolveDecision(loom, decisionId, { action: "choose", chosenNodeId, chosenBy, reason }, env);
}

/** Record the human's answer to a pending clarification and the choice (or stop) it leads to. */
export function answerClarification(
  loom: Loom,
  decisionId: string,
  humanResponse: string,
  resolution:
    | FinalResolution
    | (Omit<Extract<FinalResolution, { action: "choose" }>, "ranking" | "candidateScores"> &
        Partial<Pick<Extract<FinalResolution, { action: "choose" }>, "ranking" | "candidateScores">>),
  env: LoomEnv = defaultEnv,
) {
  const parsed = ResolutionSchema.parse(resolution) as FinalResolution;
  const op: LoomOp = { op: "answerClarification", decisionId, at: env.now(), humanResponse, resolution: parsed };
  applyOp(loom, op);
  return op;
}

/** Make the root path of `nodeId` the current path. */
export function checkout(loom: Loom, nodeId: string) {
  const op: LoomOp = { op: "checkout", nodeId };
  applyOp(loom, op);
  return op;
}

/** Replace the session's settings (validated; the stored config is what the next run uses). */
export function configure(loom: Loom, config: SessionConfigInput) {
  const op: LoomOp = { op: "configure", config: SessionConfigSchema.parse(config) };
  applyOp(loom, op);
  return op;
}

/** Replace the brief with a new version (validated); decisions resolved from now on record it. Returns the op. */
export function setBrief(loom: Loom, brief: BriefInput, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "setBrief", at: env.now(), brief: BriefSchema.parse(brief) };
  applyOp(loom, op);
  return op;
}

/** Keep the root path of `tipId` (default: the current tip) for later. */
export function holdPath(loom: Loom, tipId: string = loom.currentPath[loom.currentPath.length - 1]!) {
  const op: LoomOp = { op: "hold", tipId };
  applyOp(loom, op);
  return op;
}

export function releasePath(loom: Loom, tipId: string) {
  const op: LoomOp = { op: "release", tipId };
  applyOp(loom, op);
  return op;
}

/** Replace the summary of the piece's middle (it covers through `throughNodeId`); its version is one more. */
export function setPieceSummary(loom: Loom, text: string, throughNodeId: string, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "setPieceSummary", at: env.now(), text, throughNodeId };
  applyOp(loom, op);
  return op;
}

/** Check out `tipId`'s root path, keeping the path left as a held path (see held-paths.ts). */
export function switchPath(loom: Loom, tipId: string, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "switchPath", tipId, at: env.now() };
  applyOp(loom, op);
  return op;
}

/**
 * Edit a node's text without losing the original: a new sibling that links to what it replaced.
 * If the original was on the current path, the current path moves to the new node.
 */
export function editNode(loom: Loom, nodeId: string, text: string, env: LoomEnv = defaultEnv) {
  const original = getNode(loom, nodeId);
  const node = NodeSchema.parse({
    id: env.newId("node"),
    parentId: original.parentId,
    text,
    createdAt: env.now(),
    origin: "edit",
    replacesId: original.id,
    chosenBy: "human",
  });
  const op: LoomOp = { op: "editNode", node };
  applyOp(loom, op);
  return { op, nodeId: node.id };
}

/** Split a node at a character offset (see LoomOp `splitNode`); returns the op and the new node's id. */
export function splitNode(loom: Loom, nodeId: string, offset: number, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "splitNode", nodeId, offset, newNodeId: env.newId("node"), at: env.now() };
  applyOp(loom, op);
  return { op, nodeId: op.newNodeId };
}

/**
 * Branch inside a candidate (see LoomOp `branchAtToken`): a sibling of `nodeId` with its tokens before
 * `tokenIndex`, then the alternative the model listed there or typed text; chosen by the human and made the tip.
 */
export function branchAtToken(
  loom: Loom,
  nodeId: string,
  tokenIndex: number,
  choice: BranchChoice,
  env: LoomEnv = defaultEnv,
) {
  const op: LoomOp = {
    op: "branchAtToken",
    nodeId,
    tokenIndex,
    alternative: "alternative" in choice ? choice.alternative : null,
    text: "text" in choice ? choice.text : null,
    newNodeId: env.newId("node"),
    decisionId: env.newId("decision"),
    at: env.now(),
  };
  applyOp(loom, op);
  return { op, nodeId: op.newNodeId, decisionId: op.decisionId };
}

/** Merge a node with its single child. */
export function mergeNode(loom: Loom, nodeId: string, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "mergeNode", nodeId, at: env.now() };
  applyOp(loom, op);
  return op;
}

/** Hide a subtree from views and exports (`restore` shows it again). */
export function pruneNode(loom: Loom, nodeId: string, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "prune", nodeId, at: env.now() };
  applyOp(loom, op);
  return op;
}

/** Show a pruned subtree again. */
export function unpruneNode(loom: Loom, nodeId: string, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "unprune", nodeId, at: env.now() };
  applyOp(loom, op);
  return op;
}

/** Move a subtree under another node. */
export function reparentNode(loom: Loom, nodeId: string, parentId: string, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "reparent", nodeId, parentId, at: env.now() };
  applyOp(loom, op);
  return op;
}

/** Add (`on`) or remove a bookmark. */
export function bookmarkNode(loom: Loom, nodeId: string, on = true, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "bookmark", nodeId, on, at: env.now() };
  applyOp(loom, op);
  return op;
}

/** Add (`on`) or remove a tag. */
export function tagNode(loom: Loom, nodeId: string, tag: string, on = true, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "tag", nodeId, tag, on, at: env.now() };
  applyOp(loom, op);
  return op;
}

/** Take back the latest undoable change (choose, write, checkout, edit and the tree work above). */
export function undo(loom: Loom, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "undo", at: env.now() };
  applyOp(loom, op);
  return op;
}

/** Put back the latest undone change. */
export function redo(loom: Loom, env: LoomEnv = defaultEnv) {
  const op: LoomOp = { op: "redo", at: env.now() };
  applyOp(loom, op);
  return op;
}
