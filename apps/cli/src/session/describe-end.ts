// What a run's end means for the writer: why it ended, at which step, and the exact command that goes on.
import type { RunSessionResult } from "./run-session.js";

/** One line saying why the run ended, at which step of the piece, and where the session is. */
export function describeEnd(r: RunSessionResult, shownDir: string): string {
  const count = `${r.steps} decision${r.steps === 1 ? "" : "s"} this run`;
  const at = `the piece is at step ${r.step}`;
  switch (r.reason) {
    case "selector":
      return r.steps === 0
        ? `the session is stopped at step ${r.step}${r.detail ? ` (${r.detail})` : ""}; saved in ${shownDir}`
        : `stopped at step ${r.step}${r.detail ? ` (${r.detail})` : ""} after ${count}; saved in ${shownDir}`;
    case "max-tokens":
      return `reached the session's token budget (${r.pathTokens} of ${r.maxTokensTotal} tokens) after ${count}; ${at}; saved in ${shownDir}`;
    case "max-steps":
      return `reached this run's step limit after ${count}; ${at}; saved in ${shownDir}`;
    case "aborted":
      return `${r.quit ? "quit" : "interrupted"} after ${count}; ${at}; saved in ${shownDir}`;
    case "awaiting-clarification":
      return `waiting for an answer to a clarification (${r.detail ?? ""}); ${at}; saved in ${shownDir}`;
    case "agent-budget":
      return `the agent's budget ran out (${r.detail ?? ""}) after ${count}; saved in ${shownDir}`;
    default:
      return `${r.reason}${r.detail ? ` (${r.detail})` : ""} after ${count}; saved in ${shownDir}`;
  }
}

/** The command that continues this session, naming the flag that lifts whatever ended the run; null when nothing needs it. */
export function howToContinue(r: RunSessionResult, runCmd: string): string | null {
  switch (r.reason) {
    case "selector":
      return `${runCmd} --continue (grow past the stop), or ${runCmd} --from NODE (another branch; ids in \`loom tree\`)`;
    case "max-tokens":
      return `${runCmd} --max-tokens-total ${suggestBudget(r.maxTokensTotal)}`;
    case "max-steps":
      return `${runCmd} (each run makes up to --max-steps decisions)`;
    case "aborted":
    case "awaiting-clarification":
    case "agent-budget":
      return runCmd;
    default:
      return null;
  }
}

/** A larger budget to suggest: double, rounded to a hundred. */
function suggestBudget(current: number): number {
  return Math.ceil((current * 2) / 100) * 100;
}
