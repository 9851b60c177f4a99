// Groups sessions' facts by the chosen keys and computes each group's stats, the overall stats and each session's.
import { DEFAULT_DIVERGENCE_THRESHOLD } from "@loom/core";
import {
  decisionKeyValue,
  isDecisionKey,
  positionBucket,
  positionLabel,
  sessionKeyValue,
  type DecisionGroupKey,
  type GroupKey,
  type SessionGroupKey,
} from "./group-keys.js";
import { aggregateOptionsChecked, type AnalyzeOptions } from "./analyze-options.js";
import { groupStats, type GroupMembers, type GroupStats } from "./group-stats.js";
import type { DecisionFacts, SessionFacts } from "./session-facts.js";

export interface SkippedSession {
  path: string;
  error: string;
}

export interface AnalysisReport {
  groupBy: GroupKey[];
  threshold: number;
  positionBuckets: number;
  overall: GroupStats;
  groups: GroupStats[];
  perSession: GroupStats[];
  /** Sessions that could not be read, with why (the rest are analysed). */
  skipped: SkippedSession[];
  warnings: string[];
}

/**
 * Sessions' decisions split by the keys' values (session keys keep a session whole, decision keys split it).
 * A group holds each member session's decisions as one part: the session's own list when only session keys
 * group, else the decisions of that session that fall in the group, in their order. Groups come in the order
 * their first decision does.
 */
export function grouped(
  sessions: readonly SessionFacts[],
  keys: readonly GroupKey[],
  buckets: number,
): Map<string, GroupMembers> {
  const sessionKeys = keys.filter((k): k is SessionGroupKey => !isDecisionKey(k));
  const decisionKeys = keys.filter((k): k is DecisionGroupKey => isDecisionKey(k));
  const groups = new Map<string, GroupMembers>();
  const memberOf = (values: Record<string, string>) => {
    const label = keys.map((k) => values[k]).join(" · ") || "all";
    const id = JSON.stringify(keys.map((k) => values[k]));
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key: values, label, sessions: new Set(), parts: [] }));
    return g;
  };
  // A decision's value of each decision key, the position's label made once per bucket rather than per decision.
  const positionLabels = Array.from({ length: buckets }, (_, b) => positionLabel(b, buckets));
  const decisionValue = (k: DecisionGroupKey, d: DecisionFacts) =>
    k === "position" ? positionLabels[positionBucket(d.position, buckets)]! : decisionKeyValue(k, d, buckets);
  const shared = sessionKeys.includes("session") ? sharedIdCounts(sessions) : null;
  for (const s of sessions) {
    const base: Record<string, string> = {};
    // Copies of one session (a directory copied to try another run) share its id: each keeps a group of its own.
    for (const k of sessionKeys)
      base[k] = k === "session" && shared?.has(s.sessionId) ? `${s.sessionId} (${s.dir})` : sessionKeyValue(k, s);
    if (decisionKeys.length === 0) {
      const g = memberOf(base);
      g.sessions.add(s);
      g.parts.push({ session: s, decisions: s.decisions });
      continue;
    }
    // This session's decisions by their decision keys' values, in the order each combination first appears.
    const parts = new Map<string, { values: string[]; decisions: DecisionFacts[] }>();
    for (const d of s.decisions) {
      const values = decisionKeys.map((k) => decisionValue(k, d));
      const id = values.length === 1 ? values[0]! : values.join("\u0000");
      let part = parts.get(id);
      if (!part) parts.set(id, (part = { values, decisions: [] }));
      part.decisions.push(d);
    }
    for (const part of parts.values()) {
      const values = { ...base };
      decisionKeys.forEach((k, i) => {
        values[k] = part.values[i]!;
      });
      const g = memberOf(values);
      g.sessions.add(s);
      g.parts.push({ session: s, decisions: part.decisions });
    }
  }
  return groups;
}

/** The session ids more than one of `sessions` has, with how many have each. */
function sharedIdCounts(sessions: readonly SessionFacts[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of sessions) counts.set(s.sessionId, (counts.get(s.sessionId) ?? 0) + 1);
  for (const [id, n] of counts) if (n < 2) counts.delete(id);
  return counts;
}

/** The report over already-read sessions. */
export function analyzeFacts(
  sessions: readonly SessionFacts[],
  options: AnalyzeOptions = {},
  skipped: SkippedSession[] = [],
): AnalysisReport {
  aggregateOptionsChecked(options);
  const groupBy = [...(options.groupBy ?? [])];
  const threshold = options.threshold ?? DEFAULT_DIVERGENCE_THRESHOLD;
  const positionBuckets = options.positionBuckets ?? 5;
  const stats = (keys: readonly GroupKey[]) =>
    [...grouped(sessions, keys, positionBuckets).values()]
      .map((g) => groupStats(g, { threshold, positionBuckets, sessionLevel: !keys.some((k) => isDecisionKey(k)) }))
      .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const overall =
    stats([])[0] ??
    groupStats(
      { key: {}, label: "all", sessions: new Set(), parts: [] },
      { threshold, positionBuckets, sessionLevel: true },
    );
  return {
    groupBy,
    threshold,
    positionBuckets,
    overall,
    groups: groupBy.length ? stats(groupBy) : [],
    perSession: stats(["session"]),
    skipped,
    warnings: [
      ...sessions.flatMap((s) => s.warnings.map((w) => `${s.dir}: ${w}`)),
      ...[...sharedIdCounts(sessions)].map(
        ([id, n]) =>
          `${n} directories hold session ${id} (copies?): each is analysed and listed apart, named by its directory`,
      ),
    ],
  };
}
