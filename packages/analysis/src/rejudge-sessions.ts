// The one call behind `loom rejudge`: every recorded decision of the named sessions put to another selector, its verdicts appended beside the session, nothing generated, the session itself untouched.
import type { DecisionEvent, Loom } from "@loom/core";
import { readSession } from "@loom/io";
import type { SessionLock } from "@loom/io/internal";
import { SelectorError, type ModelUsage, type Selector } from "@loom/selectors";
import { AnalysisError } from "./analysis-error.js";
import { findSessionDirs } from "./find-sessions.js";
import { addJudgeUsage, pricedUsage, totalCost, type JudgePrices } from "./judge-usage.js";
import { replayableDecisions, replayOf } from "./rejudge-decisions.js";
import { lockRejudgeRecord, readRejudgeFile, RejudgeWriter } from "./rejudge-file.js";
import { REJUDGE_FORMAT, REJUDGE_VERSION, type JudgeUsage, type RejudgeLine, type Verdict } from "./rejudge-record.js";
import { verdictOf } from "./rejudge-verdict.js";

export interface RejudgeOptions {
  /** The judge: any selector that decides without a human (auto, stateless LLM, scripted…). */
  selector: Selector;
  /** Its name in the record and in agreement tables; a decision this judge already has a verdict on is skipped. */
  judge: string;
  /** How the judge was set up, kept with each verdict. */
  judgeConfig?: Record<string, unknown>;
  /** Decisions judged at once (default 4): an LLM judge's calls overlap, up to this many. */
  concurrency?: number;
  /** USD per million tokens, for the cost of an LLM judge's calls. */
  prices?: JudgePrices;
  cwd?: string;
  signal?: AbortSignal;
  /** The clock stamped on verdicts (tests fix it). */
  now?: () => Date;
  /** After each decision judged (or failed). */
  onProgress?: (progress: { judged: number; failed: number; sessionsRead: number; sessions: number }) => void;
}

export interface RejudgeSessionResult {
  dir: string;
  sessionId: string;
  /** Decisions that can be judged again (resolved, candidates present). */
  decisions: number;
  /** Judged in this run. */
  judged: number;
  /** Already judged by this judge in an earlier run: skipped. */
  resumed: number;
  failed: number;
}

export interface RejudgeSummary {
  judge: string;
  sessions: RejudgeSessionResult[];
  decisions: number;
  judged: number;
  resumed: number;
  failed: number;
  /** Each decision that failed in this run (recorded with its error; a rerun tries it again). */
  failures: { dir: string; decisionId: string; error: string }[];
  /** This run's model usage per model, with cost where priced. */
  usage: JudgeUsage[];
  costUsd: number | null;
  /** Sessions that could not be read, with why (the others are judged). */
  skipped: { path: string; error: string }[];
  /** Set when an error that would fail every decision ended the run early (what was judged is kept). */
  stopped: { error: Error } | null;
  warnings: string[];
}

interface SessionRun {
  result: RejudgeSessionResult;
  loom: Loom;
  writer: RejudgeWriter | null;
  /** This run's hold on the session's re-judgement record, released when its last decision is judged. */
  lock: SessionLock;
  open: number;
}

interface Task {
  run: SessionRun;
  decision: DecisionEvent;
}

/** Whether an error ends the whole run: the judge cannot work (a key refused, a model unknown, an abort), so every decision would fail alike. */
const endsRun = (error: unknown) =>
  SelectorError.isInstance(error) &&
  (error.code === "configuration" || error.code === "aborted" || (error.code === "provider" && !error.retryable));

/**
 * Replays each resolved decision of the named sessions (same parent text, candidates and brief version; the
 * human's answer to its clarification when it had one) through `options.selector`, and appends the verdict to
 * the session's `state/rejudge.ndjson` keyed by decision id and judge. Resumable: decisions this judge already
 * has a verdict on are skipped. A decision the judge fails is recorded with its error and tried again on a
 * rerun; an error that would fail every decision (a refused key, an abort) ends the run after the calls in
 * flight (`stopped`), with everything judged so far kept. A session that cannot be read is skipped, with why.
 */
export async function rejudgeSessions(inputs: readonly string[], options: RejudgeOptions): Promise<RejudgeSummary> {
  const judge = options.judge.trim();
  if (!judge) throw new AnalysisError("bad_option", "the judge needs a name");
  const width = options.concurrency ?? 4;
  if (!Number.isInteger(width) || width < 1 || width > 256)
    throw new AnalysisError("bad_option", `concurrency must be an integer from 1 to 256 (got ${width})`);
  const now = options.now ?? (() => new Date());
  const prices = options.prices ?? {};
  const dirs = await findSessionDirs(inputs, options.cwd);
  const summary: RejudgeSummary = {
    judge,
    sessions: [],
    decisions: 0,
    judged: 0,
    resumed: 0,
    failed: 0,
    failures: [],
    usage: [],
    costUsd: null,
    skipped: [],
    stopped: null,
    warnings: [],
  };
  /** Sessions whose writer is open (a finished session is let go, so memory holds the sessions in flight only). */
  const runs = new Set<SessionRun>();
  let queue: Task[] = [];
  let at = 0;
  let nextDir = 0;
  let loading: Promise<void> | null = null;
  let fatal: unknown = null;

  const finish = (run: SessionRun) => {
    runs.delete(run);
    try {
      run.writer?.close();
    } finally {
      run.writer = null;
      run.lock.release();
    }
  };

  /** Reads the next session and queues its decisions not yet judged by this judge. */
  const loadNext = async () => {
    const dir = dirs[nextDir++]!;
    let loom: Loom;
    let record: Awaited<ReturnType<typeof readRejudgeFile>>;
    let lock: SessionLock | null = null;
    try {
      const read = await readSession(dir);
      loom = read.loom;
      for (const w of read.warnings) summary.warnings.push(`${dir}: ${w}`);
      // Held before the record is read: what is already judged, and a torn last line cut at open, are then this
      // run's to see and to cut (another run appending at the same time would have its lines cut or judged twice).
      lock = lockRejudgeRecord(dir);
      record = await readRejudgeFile(dir);
    } catch (error) {
      lock?.release();
      summary.skipped.push({ path: dir, error: (error as Error).message });
      return;
    }
    const done = new Set<string>();
    for (const l of record.lines)
      if (l.judge === judge && l.verdict !== null && l.sessionId === loom.sessionId) done.add(l.decisionId);
    const decisions = replayableDecisions(loom);
    const todo = decisions.filter((d) => !done.has(d.id));
    const result: RejudgeSessionResult = {
      dir,
      sessionId: loom.sessionId,
      decisions: decisions.length,
      judged: 0,
      resumed: decisions.length - todo.length,
      failed: 0,
    };
    summary.sessions.push(result);
    let writer: RejudgeWriter | null = null;
    try {
      if (todo.length) writer = RejudgeWriter.open(dir, record);
    } finally {
      if (!writer) lock.release();
    }
    const run: SessionRun = { result, loom, writer, lock, open: todo.length };
    if (run.writer) runs.add(run);
    queue = todo.map((decision) => ({ run, decision }));
    at = 0;
  };

  const nextTask = async (): Promise<Task | null> => {
    for (;;) {
      if (fatal !== null || options.signal?.aborted) return null;
      if (at < queue.length) return queue[at++]!;
      if (nextDir >= dirs.length && loading === null) return null;
      loading ??= loadNext().finally(() => {
        loading = null;
      });
      await loading;
    }
  };

  const judgeOne = async ({ run, decision }: Task) => {
    const replay = replayOf(run.loom, decision);
    const usage: ModelUsage[] = [];
    let verdict: Verdict | null = null;
    let error: string | null = null;
    try {
      const outcome = await options.selector.select({
        loom: replay.loom,
        decisionId: decision.id,
        candidates: replay.candidates,
        allowClarify: false,
        reportUsage: (u) => usage.push(u),
        ...(replay.clarification ? { clarification: replay.clarification } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      verdict = verdictOf(outcome, decision.candidateNodeIds);
    } catch (e) {
      if (endsRun(e)) fatal ??= e;
      error = (e as Error).message ?? String(e);
    }
    const priced = usage.map((u) => pricedUsage(u, prices));
    for (const u of priced) addJudgeUsage(summary.usage, u);
    const line: RejudgeLine = {
      format: REJUDGE_FORMAT,
      version: REJUDGE_VERSION,
      judge,
      judgeConfig: options.judgeConfig ?? {},
      sessionId: run.loom.sessionId,
      decisionId: decision.id,
      parentNodeId: decision.parentNodeId,
      candidateNodeIds: decision.candidateNodeIds,
      briefVersion: replay.loom.briefVersion,
      withClarification: replay.clarification !== undefined,
      verdict,
      error,
      usage: priced,
      at: now().toISOString(),
    };
    run.writer!.add(line);
    if (verdict) {
      run.result.judged++;
      summary.judged++;
    } else {
      run.result.failed++;
      summary.failed++;
      summary.failures.push({ dir: run.result.dir, decisionId: decision.id, error: error! });
    }
    if (--run.open === 0) finish(run);
    options.onProgress?.({
      judged: summary.judged,
      failed: summary.failed,
      sessionsRead: nextDir,
      sessions: dirs.length,
    });
  };

  const worker = async () => {
    for (let task = await nextTask(); task; task = await nextTask()) await judgeOne(task);
  };
  try {
    await Promise.all(Array.from({ length: width }, worker));
  } finally {
    for (const run of [...runs]) finish(run);
  }
  for (const s of summary.sessions) {
    summary.decisions += s.decisions;
    summary.resumed += s.resumed;
  }
  summary.costUsd = totalCost(summary.usage);
  if (fatal === null && options.signal?.aborted)
    fatal = new SelectorError("aborted", "re-judging was aborted; run it again to go on");
  if (fatal !== null) summary.stopped = { error: fatal as Error };
  return summary;
}
