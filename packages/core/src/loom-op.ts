// applyOp, the one place a loom is mutated: each op of loom-op-schema.ts applied in place, with undo recorded.
import type { z } from "zod";
import { LoomError } from "./errors.js";
import type { Loom } from "./loom.js";
import { noteClarifying, noteDecisionOpened, noteNodeAdded } from "./loom-index.js";
import type { ChooseResolutionSchema, FinalResolution, LoomOp } from "./loom-op-schema.js";
import type { LoomNode } from "./node.js";
import { applySwitch } from "./held-paths.js";
import { maxStepLogprob, newOpenDecision, recordChoice } from "./open-decision.js";
import { getNode, rootPath } from "./text.js";
import { branchNode, branchReason } from "./token-branch.js";
import { applyRedo, applyUndo, captureImage, keepsRedo, recordUndo, undoScope } from "./tree-history.js";
import {
  applyBookmark,
  applyMerge,
  applyPrune,
  applyReparent,
  applySplit,
  applyTag,
  applyUnprune,
} from "./tree-ops.js";

export {
  FinalResolutionSchema,
  LoomOpSchema,
  ResolutionSchema,
  type FinalResolution,
  type LoomOp,
  type Resolution,
  type ResolutionInput,
} from "./loom-op-schema.js";

function getDecision(loom: Loom, decisionId: string) {
  const decision = loom.decisions[decisionId];
  if (!decision) throw new LoomError("unknown_decision", `no decision with id "${decisionId}"`);
  return decision;
}

/**
 * Nodes enter the loom as shallow copies of the op's (here and in addCandidates): applying a choice
 * later replaces top-level fields (chosenBy, selectionReason, scores), which must not change the op that
 * was journaled. Nested values (tokens, meta) are shared and never mutated in place; a deep clone here
 * cost more than the rest of a step put together.
 */
function insertNode(loom: Loom, node: LoomNode): void {
  if (loom.nodes[node.id]) throw new LoomError("duplicate_id", `a node with id "${node.id}" already exists`);
  if (node.parentId === null) throw new LoomError("invalid_operation", `node "${node.id}" has no parent`);
  getNode(loom, node.parentId);
  loom.nodes[node.id] = { ...node };
  noteNodeAdded(loom, node.id, node.parentId);
}

/** Make `nodeId` the tip of the current path; O(1) when it extends the current tip. */
function moveTip(loom: Loom, nodeId: string): void {
  const node = getNode(loom, nodeId);
  const tip = loom.currentPath[loom.currentPath.length - 1];
  if (node.parentId !== null && node.parentId === tip) loom.currentPath.push(nodeId);
  else loom.currentPath = rootPath(loom, nodeId);
}

function applyChoose(loom: Loom, decisionId: string, at: string, r: z.infer<typeof ChooseResolutionSchema>): void {
  const decision = getDecision(loom, decisionId);
  if (!decision.candidateNodeIds.includes(r.chosenNodeId)) {
    throw new LoomError("not_a_candidate", `node "${r.chosenNodeId}" is not a candidate of decision "${decisionId}"`);
  }
  for (const id of Object.keys(r.candidateScores)) {
    if (!decision.candidateNodeIds.includes(id)) {
      throw new LoomError(
        "not_a_candidate",
        `scores name "${id}", which is not a candidate of decision "${decisionId}"`,
      );
    }
  }
  const chosen = getNode(loom, r.chosenNodeId);
  const max = maxStepLogprob(decision.candidateNodeIds.map((id) => getNode(loom, id)));
  recordChoice(decision, r, chosen, max, at, loom.briefVersion);
  chosen.selectionReason = r.reason;
  chosen.scores = r.candidateScores[r.chosenNodeId] ?? chosen.scores;
  moveTip(loom, r.chosenNodeId);
}

function applyFinal(loom: Loom, decisionId: string, at: string, r: FinalResolution): void {
  if (r.action === "choose") return applyChoose(loom, decisionId, at, r);
  const decision = getDecision(loom, decisionId);
  decision.action = "stop";
  decision.chosenNodeId = null;
  decision.chosenBy = r.chosenBy;
  decision.reason = r.reason;
  decision.resolvedAt = at;
  decision.briefVersion = loom.briefVersion;
  decision.selectorView = r.view ?? null;
}

/** Apply one op to the loom in place. Throws LoomError (and changes nothing) when the op does not fit. */
export function applyOp(loom: Loom, op: LoomOp): void {
  if (op.op === "undo") return applyUndo(loom);
  if (op.op === "redo") return applyRedo(loom);
  // A checkout of the node already at the tip changes nothing: nothing to undo, and redo stays possible.
  if (op.op === "checkout" && op.nodeId === loom.currentPath[loom.currentPath.length - 1]) return applyChange(loom, op);
  const scope = undoScope(loom, op);
  const image = scope ? captureImage(loom, scope) : null;
  applyChange(loom, op);
  if (image) recordUndo(loom, op, image, "at" in op ? op.at : "timestamp" in op ? op.timestamp : "");
  else if (!keepsRedo(op) && loom.redo.length) loom.redo = [];
}

function applyChange(loom: Loom, op: Exclude<LoomOp, { op: "undo" | "redo" }>): void {
  switch (op.op) {
    case "addCandidates": {
      const parent = getNode(loom, op.parentNodeId);
      const existing = loom.decisions[op.decisionId];
      if (existing && (existing.action !== null || existing.parentNodeId !== parent.id)) {
        throw new LoomError("decision_not_open", `decision "${op.decisionId}" is not open under "${parent.id}"`);
      }
      const seen = new Set<string>();
      for (const node of op.nodes) {
        if (node.parentId !== parent.id || node.decisionId !== op.decisionId) {
          throw new LoomError(
            "invalid_operation",
            `candidate "${node.id}" must have parent "${parent.id}" and decision "${op.decisionId}"`,
          );
        }
        if (loom.nodes[node.id] || seen.has(node.id))
          throw new LoomError("duplicate_id", `a node with id "${node.id}" already exists`);
        seen.add(node.id);
      }
      const decision = existing ?? newOpenDecision(op.decisionId, parent.id, op.timestamp);
      for (const node of op.nodes) {
        // Checked above (parent, ids): insert directly rather than through insertNode's lookups again.
        loom.nodes[node.id] = { ...node };
        noteNodeAdded(loom, node.id, parent.id);
        decision.candidateNodeIds.push(node.id);
      }
      if (!existing) {
        loom.decisions[decision.id] = decision;
        noteDecisionOpened(loom, decision.id, parent.id);
      }
      return;
    }
    case "resolve": {
      const decision = getDecision(loom, op.decisionId);
      if (decision.action !== null) {
        throw new LoomError(
          "decision_not_open",
          `decision "${op.decisionId}" was already resolved (${decision.action})`,
        );
      }
      const r = op.resolution;
      if (r.action === "clarify") {
        for (const id of r.candidatesInTension) {
          if (!decision.candidateNodeIds.includes(id)) {
            throw new LoomError("not_a_candidate", `"${id}" is not a candidate of decision "${op.decisionId}"`);
          }
        }
        decision.action = "clarify";
        decision.chosenBy = r.chosenBy;
        decision.clarificationQuestion = r.question;
        decision.candidatesInTension = [...r.candidatesInTension];
        decision.whatHingesOnIt = r.whatHingesOnIt;
        decision.resolvedAt = op.at;
        decision.briefVersion = loom.briefVersion;
        decision.selectorView = r.view ?? null;
        noteClarifying(loom, decision.id);
        return;
      }
      return applyFinal(loom, op.decisionId, op.at, r);
    }
    case "answerClarification": {
      const decision = getDecision(loom, op.decisionId);
      if (decision.action !== "clarify" || decision.humanResponse !== null) {
        throw new LoomError("decision_not_clarifying", `decision "${op.decisionId}" has no pending clarification`);
      }
      decision.humanResponse = op.humanResponse;
      try {
        applyFinal(loom, op.decisionId, op.at, op.resolution);
      } catch (error) {
        decision.humanResponse = null;
        throw error;
      }
      return;
    }
    case "checkout":
      loom.currentPath = rootPath(loom, op.nodeId);
      return;
    case "hold": {
      const path = rootPath(loom, op.tipId);
      if (!loom.heldPaths.some((p) => p[p.length - 1] === op.tipId)) loom.heldPaths.push(path);
      return;
    }
    case "release": {
      const at = loom.heldPaths.findIndex((p) => p[p.length - 1] === op.tipId);
      if (at < 0) throw new LoomError("invalid_path", `no held path ends at "${op.tipId}"`);
      loom.heldPaths.splice(at, 1);
      return;
    }
    case "switchPath":
      return applySwitch(loom, op.tipId);
    case "setBrief":
      loom.briefHistory.push({ version: loom.briefVersion, brief: loom.brief, replacedAt: op.at });
      loom.brief = structuredClone(op.brief);
      loom.briefVersion += 1;
      return;
    case "setPieceSummary":
      getNode(loom, op.throughNodeId);
      loom.pieceSummary = {
        version: (loom.pieceSummary?.version ?? 0) + 1,
        text: op.text,
        throughNodeId: op.throughNodeId,
        at: op.at,
      };
      return;
    case "configure":
      loom.config = structuredClone(op.config);
      return;
    case "editNode": {
      const original = op.node.replacesId ? getNode(loom, op.node.replacesId) : null;
      if (!original || original.parentId === null || op.node.parentId !== original.parentId) {
        throw new LoomError("invalid_operation", `an edit must be a sibling of the node it replaces (a non-root node)`);
      }
      const wasCurrent = loom.currentPath.includes(original.id);
      insertNode(loom, op.node);
      if (wasCurrent) loom.currentPath = rootPath(loom, op.node.id);
      return;
    }
    case "branchAtToken": {
      const node = branchNode(loom, op);
      if (loom.decisions[op.decisionId])
        throw new LoomError("duplicate_id", `a decision with id "${op.decisionId}" already exists`);
      insertNode(loom, node);
      const decision = newOpenDecision(op.decisionId, node.parentId!, op.at);
      decision.candidateNodeIds.push(node.id);
      loom.decisions[decision.id] = decision;
      noteDecisionOpened(loom, decision.id, node.parentId!);
      const was = loom.nodes[op.nodeId]!.tokens!.at(op.tokenIndex)!.text;
      const now = node.tokens!.at(op.tokenIndex)!.text;
      return applyChoose(loom, decision.id, op.at, {
        action: "choose",
        chosenNodeId: node.id,
        chosenBy: "human",
        reason: branchReason(op.nodeId, op.tokenIndex, was, now),
        ranking: null,
        candidateScores: {},
      });
    }
    case "splitNode":
      return applySplit(loom, op.nodeId, op.offset, op.newNodeId, op.at);
    case "mergeNode":
      return applyMerge(loom, op.nodeId);
    case "prune":
      return applyPrune(loom, op.nodeId);
    case "unprune":
      return applyUnprune(loom, op.nodeId);
    case "reparent":
      return applyReparent(loom, op.nodeId, op.parentId);
    case "bookmark":
      return applyBookmark(loom, op.nodeId, op.on);
    case "tag":
      return applyTag(loom, op.nodeId, op.tag, op.on);
  }
}
