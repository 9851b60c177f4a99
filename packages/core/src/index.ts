// @loom/core: Loom's data model, pure tree operations, invariants, queries and the generator spec.
// What Loom's own packages share beyond that is in "@loom/core/internal" (unstable).
export { BriefSchema, BriefVersionSchema, changedBriefFields, emptyBrief } from "./brief.js";
export type { Brief, BriefInput, BriefVersion } from "./brief.js";
export { DecisionEventSchema } from "./decision-event.js";
export type { DecisionAction, DecisionEvent } from "./decision-event.js";
export { defaultEnv, sequentialEnv } from "./env.js";
export type { LoomEnv } from "./env.js";
export { LoomBaseError, LoomError } from "./errors.js";
export type { LoomErrorCode } from "./errors.js";
export { GENERATOR_SPECIFICATION_VERSION } from "./generator-spec.js";
export type {
  FinishReason,
  GenerateRequest,
  GenerateResult,
  GenerateStreamEvent,
  GeneratedCandidate,
  GenerationUsage,
  Generator,
  GeneratorCapabilities,
  PromptParts,
  PromptTail,
  SamplingControl,
} from "./generator-spec.js";
export { findInvariantViolations } from "./invariants.js";
export type { InvariantViolation } from "./invariants.js";
export { LoomSchema, createLoom } from "./loom.js";
export type { CreateLoomInput, Loom } from "./loom.js";
export { childrenOf, openDecisionAt, pendingClarification } from "./loom-index.js";
export { NodeSchema } from "./node.js";
export type { ChosenBy, LoomNode, LoomNodeInput, Scores, Token, TopLogprob } from "./node.js";
export { TokenList, TokenListBuilder, type TokenParts } from "./token-list.js";
export {
  addCandidates,
  addHumanNode,
  answerClarification,
  checkout,
  choose,
  configure,
  setBrief,
  editNode,
  holdPath,
  releasePath,
  switchPath,
  setPieceSummary,
  resolveDecision,
  splitNode,
  branchAtToken,
  mergeNode,
  pruneNode,
  unpruneNode,
  reparentNode,
  bookmarkNode,
  tagNode,
  undo,
  redo,
} from "./op-builders.js";
export { applyTreeWork } from "./tree-work-action.js";
export {
  BUILT_IN_PRESETS,
  GenerationPresetSchema,
  PRESET_FIELDS,
  PresetNameSchema,
  applyPreset,
  findPreset,
  presetOf,
} from "./generation-preset.js";
export type { GenerationPreset, PresetSource } from "./generation-preset.js";
export type { TreeWork, TreeWorkAction, TreeWorkResult } from "./tree-work-action.js";
export { heldPathRows, heldTip } from "./held-paths.js";
export { PieceSummarySchema } from "./piece-summary.js";
export type { PieceSummary } from "./piece-summary.js";
export { pieceView } from "./piece-view.js";
export type { PieceView } from "./piece-view.js";
export { PieceViewRecordSchema, estimateTextTokens } from "./piece-view-record.js";
export type { PieceViewRecord } from "./piece-view-record.js";
export type { HeldPathRow } from "./held-paths.js";
export { searchLoom } from "./search.js";
export type { SearchHit, SearchOptions } from "./search.js";
export { isPruned } from "./tree-ops.js";
export { purgePruned } from "./tree-purge.js";
export type { TreeImage, UndoEntry } from "./undo-entry.js";
export type { AddCandidatesResult, CandidateInput } from "./op-builders.js";
export type { BranchChoice } from "./token-branch.js";
export { LoomOpSchema, applyOp } from "./loom-op.js";
export type { FinalResolution, LoomOp, Resolution, ResolutionInput } from "./loom-op.js";
export {
  DEFAULT_DIVERGENCE_THRESHOLD,
  briefOfDecision,
  clarifications,
  decisionsInOrder,
  divergences,
  lastDecisions,
  loomStats,
  rejectedAt,
} from "./queries.js";
export type { LoomStats } from "./queries.js";
export {
  DEFAULT_TOKEN_DIVERGENCE_PROBABILITY,
  argmaxOf,
  leftArgmax,
  pathSegments,
  tokenDivergences,
} from "./token-queries.js";
export type { PathSegment, TokenDivergence } from "./token-queries.js";
export { USAGE_STATE_NAME, emptyUsage } from "./session-usage.js";
export { PriceSchema, PriceTableSchema } from "./price-table.js";
export type { PriceTable } from "./price-table.js";
export type { ModelTotals, SessionUsage } from "./session-usage.js";
export { sessionSummary, sessionSummaryOfParts } from "./session-summary.js";
export type { SessionState, SessionSummary, SummaryParts } from "./session-summary.js";
export { SelectorDecisionSchema, selectorDecisionJsonSchema } from "./selector-decision.js";
export type { ChooseDecision, ClarifyDecision, SelectorDecision, StopDecision } from "./selector-decision.js";
export {
  AlongsideGeneratorSchema,
  GeneratorConfigSchema,
  SAMPLING_PRESETS,
  SelectorConfigSchema,
  SessionConfigSchema,
  defaultSessionConfig,
  withPreset,
} from "./session-config.js";
export type {
  AlongsideGenerator,
  GeneratorConfig,
  SamplingPresetName,
  SelectorConfig,
  SelectorMode,
  SessionConfig,
  SessionConfigInput,
} from "./session-config.js";
export { currentText, currentTip, getNode, nodeText, pathText, rootPath, splitSegments } from "./text.js";
export { nodeTokenCount, pathTokenCount } from "./token-count.js";
export { decisionRows, stepCounter } from "./decision-steps.js";
export { candidateScoreRows, scoreCriteria } from "./decision-scores.js";
export type { CandidateScoreRow } from "./decision-scores.js";
export type { DecisionRow } from "./decision-steps.js";
export { DEFAULT_AROUND, narrowWindow, treeWindow } from "./tree-window.js";
export type { TreeRow, TreeWindow, TreeWindowOptions } from "./tree-window.js";
export { DIGEST_LIMITS, DIGEST_VERSION, loomDigest } from "./digest.js";
export { LoomDigestSchema } from "./digest-schema.js";
export type { LoomDigest } from "./digest.js";
export type { ServiceProbe } from "./services/service-probe.js";
