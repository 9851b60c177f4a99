// @loom/analysis: many sessions read as research data — grouped aggregates of decisions, gaps, clarifications, diversity and usage.
export { analyzeSessions, loadSessionFacts } from "./analyze-sessions.js";
export type { LoadOptions } from "./analyze-sessions.js";
export { analyzeFacts } from "./aggregate.js";
export type { AnalysisReport, SkippedSession } from "./aggregate.js";
export { parseGroupBy } from "./analyze-options.js";
export type { AnalyzeOptions } from "./analyze-options.js";
export { AnalysisError } from "./analysis-error.js";
export type { AnalysisErrorCode } from "./analysis-error.js";
export { findSessionDirs } from "./find-sessions.js";
export { readSessionFacts } from "./read-session-facts.js";
export type {
  ClarificationFacts,
  DecisionFacts,
  ModelUsageTotals,
  SessionFacts,
  StopKind,
} from "./session-facts.js";
export { GROUP_KEYS } from "./group-keys.js";
export type { GroupKey } from "./group-keys.js";
export type { ClarificationRow, GroupStats, PositionStats, UsageRow } from "./group-stats.js";
export { GAP_BIN_EDGES, quantile } from "./distribution.js";
export type { HistogramBin, Summary } from "./distribution.js";
export { reportCsv, reportRows } from "./report-rows.js";
export type { Cell, ReportRows } from "./report-rows.js";
export { exportPairs } from "./preference-pairs.js";
export type { PairOptions, PairsResult, PreferencePair } from "./preference-pairs.js";
export { chartData, chartSpec } from "./chart-spec.js";
export type { ChartData, ChartDatum } from "./chart-spec.js";
export { rejudgeSessions } from "./rejudge-sessions.js";
export type { RejudgeOptions, RejudgeSessionResult, RejudgeSummary } from "./rejudge-sessions.js";
export type { JudgePrices } from "./judge-usage.js";
export { readRejudgeFile } from "./rejudge-file.js";
export type { RejudgeRead } from "./rejudge-file.js";
export { REJUDGE_FILE, RejudgeLineSchema } from "./rejudge-record.js";
export type { JudgeUsage, RejudgeLine, Verdict } from "./rejudge-record.js";
export { agreementOf, agreementRows, analyzeAgreement, recordedRater } from "./agreement-report.js";
export type { AgreementGroup, AgreementReport } from "./agreement-report.js";
export { kendallTau } from "./agreement.js";
export type { PairAgreement, RaterVerdict } from "./agreement.js";
export { csvText } from "./csv-cell.js";
export { chartSvg } from "./chart-svg.js";
export { pieceMarks } from "./piece-marks.js";
export type { PieceMarks, PieceSegment } from "./piece-marks.js";
