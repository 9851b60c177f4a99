// @loom/testkit: helpers for Loom's own tests (private; never published).
export { sseChunks, startReplayServer } from "./replay-server.js";
export type { RecordedRequest, ReplayResponse, ReplayServer } from "./replay-server.js";
