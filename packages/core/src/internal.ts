// @loom/core/internal: what Loom's own packages share beyond the data model (fast parsers, index upkeep, service
// facts, key routing, SDK-failure reading, seeded randomness). Unstable: it may change in any release.
export { errorKind, isRetryableStatus } from "./errors.js";
export type { ErrorKindGuard } from "./errors.js";
export type { LoomBaseErrorOptions } from "./errors.js";
export { effectivePromptMode } from "./brief.js";
export {
  EMPTY as EMPTY_RECORD,
  NODE_KEYS,
  parseAddCandidatesFast,
  parseDecisionFast,
  parseNodeFast,
  shareSiblingStrings,
} from "./fast-parse.js";
export { parseLoomFast } from "./fast-parse-loom.js";
export { storedInvariantsHold } from "./invariants.js";
export type { StoredNodes } from "./invariants.js";
export { parseSessionConfigFast } from "./fast-parse-config.js";
export { parseDigestFast } from "./fast-parse-digest.js";
export { advanceDigest } from "./digest-advance.js";
export { DigestTracker } from "./digest-tracker.js";
export type { PathDigest } from "./digest-advance.js";
export { LOOM_FORMAT_VERSION, noTreeWork } from "./loom.js";
export { decisionsUnder, invalidateIndex, stopDecisionAt } from "./loom-index.js";
export { ChosenBySchema } from "./node.js";
export { SelectorModeSchema } from "./session-config.js";
export { DecisionActionSchema } from "./decision-event.js";
export { sumLogprobs } from "./op-builders.js";
export { prunedNodeIds, visibleLoom } from "./tree-purge.js";
export { historyMark, opFootprint } from "./op-footprint.js";
export type { Footprint, HistoryMark } from "./op-footprint.js";
export { hashString, seededRandom } from "./seeded-random.js";
export { serialQueue } from "./serial-queue.js";
export { DEFAULT_MODELS } from "./services/default-models.js";
export type { DefaultModelRole } from "./services/default-models.js";
export {
  anthropicModelFacts,
  anthropicModelTable,
  anthropicNoThinkingModels,
  anthropicPrefillModels,
} from "./services/anthropic-models.js";
export type { AnthropicModelFacts, ThinkingOff } from "./services/anthropic-models.js";
export { CUSTOM_API_KEY_ENV, isHomeURL, routeApiKey } from "./services/api-key-routing.js";
export type { ApiKeyRoute, RoutedApiKey } from "./services/api-key-routing.js";
export { classifyFailure, failedProbe } from "./services/service-probe.js";
export { clientOnFirstUse } from "./services/client-on-first-use.js";
export {
  describeSdkFailure,
  isForeignAbort,
  isRetryableFailure,
  readSdkFailure,
} from "./services/sdk-failure.js";
export type { SdkCallContext, SdkFailure } from "./services/sdk-failure.js";
