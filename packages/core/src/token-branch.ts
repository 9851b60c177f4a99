// Branching inside a candidate: the node `branchAtToken` makes from a node's tokens before a point and the road not taken there.
import { LoomError } from "./errors.js";
import type { Loom } from "./loom.js";
import type { LoomOp } from "./loom-op-schema.js";
import type { LoomNode, Token } from "./node.js";
import { TokenList } from "./token-list.js";
import { getNode } from "./text.js";
import { sumOf } from "./tree-ops.js";

export type BranchAtTokenOp = Extract<LoomOp, { op: "branchAtToken" }>;

/** What the writer puts at the branch point: one of the alternatives the model listed there (by index), or typed text. */
export type BranchChoice = { alternative: number } | { text: string };

/** The reason the branch's decision records: "branched at token k of <node>", and what replaced what. */
export function branchReason(nodeId: string, tokenIndex: number, was: string, now: string): string {
  return `branched at token ${tokenIndex} of ${nodeId}: ${JSON.stringify(was)} → ${JSON.stringify(now)}`;
}

/** The original's tokens, checked to spell its text (else a branch would not read as the original up to the point). */
export function branchableTokens(loom: Loom, nodeId: string): Token[] {
  const node = getNode(loom, nodeId);
  if (node.parentId === null) throw new LoomError("invalid_operation", "the seed (root) has no tokens to branch from");
  const tokens = node.tokens?.toArray() ?? [];
  if (tokens.length === 0) {
    throw new LoomError(
      "invalid_operation",
      `node "${nodeId}" has no tokens (its generator gave none): edit it or split it instead`,
    );
  }
  if (tokens.map((t) => t.text).join("") !== node.text) {
    throw new LoomError(
      "invalid_operation",
      `node "${nodeId}": its tokens do not spell its text (it was edited or cut), so there is no token to branch at`,
    );
  }
  return tokens;
}

/**
 * The new node of a `branchAtToken` op, as applyOp inserts it: the original's tokens before `tokenIndex`, then
 * the alternative (with its logprob and id, and the original token's list of alternatives, which were the
 * model's at that same point) or the typed text (a token with no logprob: the model did not offer it).
 * A sibling of the original, chosen by the human. Throws LoomError saying what does not fit.
 */
export function branchNode(loom: Loom, op: BranchAtTokenOp): LoomNode {
  const original = getNode(loom, op.nodeId);
  const tokens = branchableTokens(loom, op.nodeId);
  const k = op.tokenIndex;
  if (!Number.isInteger(k) || k < 0 || k >= tokens.length) {
    throw new LoomError(
      "invalid_operation",
      `token ${k} is outside node "${op.nodeId}" (it has ${tokens.length} tokens; give 0–${tokens.length - 1})`,
    );
  }
  if ((op.alternative === null) === (op.text === null)) {
    throw new LoomError("invalid_operation", "a branch takes either an alternative or a text, not both nor neither");
  }
  const at = tokens[k]!;
  let last: Token;
  if (op.alternative !== null) {
    const top = at.top ?? [];
    const alt = top[op.alternative];
    if (!alt) {
      throw new LoomError(
        "invalid_operation",
        top.length === 0
          ? `token ${k} of node "${op.nodeId}" has no alternatives recorded: branch with a text instead`
          : `alternative ${op.alternative} does not exist at token ${k} of node "${op.nodeId}" (it has ${top.length}; give 0–${top.length - 1})`,
      );
    }
    if (alt.text === at.text && (alt.id === undefined || at.id === undefined || alt.id === at.id)) {
      throw new LoomError(
        "invalid_operation",
        `alternative ${op.alternative} at token ${k} of node "${op.nodeId}" is the token already there (${JSON.stringify(at.text)}): choose another one`,
      );
    }
    last = { text: alt.text, ...(alt.id !== undefined ? { id: alt.id } : {}), logprob: alt.logprob, top };
  } else {
    if (op.text === "") throw new LoomError("invalid_operation", "a branch's text cannot be empty");
    last = { text: op.text! };
  }
  const kept = [...tokens.slice(0, k), last];
  const provenance: Record<string, unknown> = {};
  for (const key of ["provider", "model", "logprobMeaning"])
    if (original.meta[key] !== undefined) provenance[key] = original.meta[key];
  return {
    id: op.newNodeId,
    parentId: original.parentId,
    text: kept.map((t) => t.text).join(""),
    tokens: TokenList.from(kept),
    stepLogprob: sumOf(kept),
    decisionId: op.decisionId,
    chosenBy: null,
    selectionReason: null,
    scores: {},
    createdAt: op.at,
    origin: op.alternative !== null ? "generated" : "human",
    replacesId: null,
    meta: {
      ...provenance,
      branchedFrom: {
        nodeId: op.nodeId,
        tokenIndex: k,
        ...(op.alternative !== null ? { alternative: op.alternative } : { text: op.text }),
      },
    },
  };
}
