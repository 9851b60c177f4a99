// @loom/sweep: sweeps of many sessions on PostgreSQL: a plan's grid as sessions and pg-boss jobs, workers, shared rate limits, status.
export { loadPlan, parsePlan } from "./load-plan.js";
export type { LoadedPlan } from "./load-plan.js";
export { SweepPlanSchema } from "./plan-schema.js";
export type { RateLimit, SweepPlan } from "./plan-schema.js";
export { expandGrid } from "./expand-grid.js";
export type { SweepSessionSpec } from "./expand-grid.js";
export { submitSweep } from "./submit-sweep.js";
export type { SubmittedSweep } from "./submit-sweep.js";
export { runWorker } from "./sweep-worker.js";
export type { WorkerOptions, WorkerSummary } from "./sweep-worker.js";
export { sweepStatus } from "./sweep-status.js";
export type { CellCounts, SessionState, SweepStatus } from "./sweep-status.js";
export { cancelSweep } from "./cancel-sweep.js";
export { SweepError } from "./sweep-error.js";
export type { SweepErrorCode } from "./sweep-error.js";
