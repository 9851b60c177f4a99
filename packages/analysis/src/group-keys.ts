// The dimensions sessions and decisions can be grouped by, and each one's value for a session or a decision.
import type { DecisionFacts, SessionFacts } from "./session-facts.js";

/** Group by the session's settings… */
export const SESSION_GROUP_KEYS = ["selector", "generator", "brief", "preset", "session"] as const;
/** …or by where a decision fell and who made it (these split one session's decisions across groups). */
export const DECISION_GROUP_KEYS = ["position", "chooser"] as const;
export const GROUP_KEYS = [...SESSION_GROUP_KEYS, ...DECISION_GROUP_KEYS] as const;
export type SessionGroupKey = (typeof SESSION_GROUP_KEYS)[number];
export type DecisionGroupKey = (typeof DECISION_GROUP_KEYS)[number];
export type GroupKey = (typeof GROUP_KEYS)[number];

export const isGroupKey = (k: string): k is GroupKey => (GROUP_KEYS as readonly string[]).includes(k);
export const isDecisionKey = (k: GroupKey): k is DecisionGroupKey =>
  (DECISION_GROUP_KEYS as readonly string[]).includes(k);

const named = (kind: string, model: string | null) => (model ? `${kind} ${model}` : kind);

export function sessionKeyValue(key: SessionGroupKey, s: SessionFacts): string {
  switch (key) {
    case "selector":
      return named(s.selector.mode, s.selector.model);
    case "generator":
      return named(s.generator.provider, s.generator.model);
    case "brief":
      return s.briefTitle ?? "(untitled)";
    case "preset":
      return s.preset;
    case "session":
      return s.sessionId;
  }
}

/** The bucket (0 … buckets − 1) of a relative position in the piece. */
export const positionBucket = (position: number, buckets: number) =>
  Math.min(buckets - 1, Math.floor(position * buckets));

/** "0-20%", "20-40%"…: the label of a position bucket. */
export function positionLabel(bucket: number, buckets: number): string {
  const pct = (i: number) => Math.round((i * 100) / buckets);
  return `${pct(bucket)}-${pct(bucket + 1)}%`;
}

export function decisionKeyValue(key: DecisionGroupKey, d: DecisionFacts, buckets: number): string {
  if (key === "position") return positionLabel(positionBucket(d.position, buckets), buckets);
  return d.chosenBy ?? (d.action === null ? "(open)" : "(none)");
}
