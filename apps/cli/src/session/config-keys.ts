// The settings `loom config` can read and change, by dotted key, with each value parsed to the type the session format stores.
import { SessionConfigSchema, type SessionConfig } from "@loom/core";
import { UsageError } from "../cli/exit-error.js";
import { closest } from "../cli/suggest.js";

/** Every leaf key of a config, dotted (generator.model, maxTokensTotal…), with its value. */
export function configEntries(config: SessionConfig): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(config)) {
    if (v !== null && typeof v === "object") for (const [k2, v2] of Object.entries(v)) out.push([`${k}.${k2}`, v2]);
    else out.push([k, v]);
  }
  return out;
}

/** Text settings that are never null: "null" empties them. */
const CLEARED_TO_EMPTY = new Set(["generator.memory", "generator.authorsNote"]);

/** A typed value from the command line, guided by the current value's type ("null" clears a nullable key). */
function parseValue(key: string, raw: string, current: unknown): unknown {
  if (Array.isArray(current) || (typeof current === "object" && current !== null)) {
    // Lists and maps (stop, logitBias, extraBody) are set whole, as JSON; "null" empties them.
    if (raw === "null") return Array.isArray(current) ? [] : {};
    try {
      return JSON.parse(raw);
    } catch (error) {
      throw new UsageError(`${key} takes JSON (got "${raw}": ${(error as Error).message})`);
    }
  }
  if (raw === "null") return CLEARED_TO_EMPTY.has(key) ? "" : null;
  if (typeof current === "number" || (current === null && /^-?\d+(\.\d+)?$/.test(raw))) {
    const n = Number(raw);
    if (!Number.isFinite(n) || raw.trim() === "") throw new UsageError(`${key} must be a number (got "${raw}")`);
    return n;
  }
  if (typeof current === "boolean") {
    if (raw !== "true" && raw !== "false") throw new UsageError(`${key} must be true or false (got "${raw}")`);
    return raw === "true";
  }
  return raw;
}

/** The config with `key` set to `raw`, validated as a whole; errors name the key and what it accepts. */
export function setConfigKey(config: SessionConfig, key: string, raw: string): SessionConfig {
  const entries = new Map(configEntries(config));
  if (!entries.has(key)) {
    const guess = closest(key, [...entries.keys()]);
    throw new UsageError(
      `no setting "${key}"`,
      guess
        ? `did you mean ${guess}? (\`loom config SESSION\` lists them)`
        : "`loom config SESSION` lists the settings",
    );
  }
  const next = structuredClone(config) as Record<string, unknown>;
  const value = parseValue(key, raw, entries.get(key));
  const [head, leaf] = key.split(".") as [string, string | undefined];
  if (leaf === undefined) next[head] = value;
  else (next[head] as Record<string, unknown>)[leaf] = value;
  const parsed = SessionConfigSchema.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${key}: ${issue.message} (got ${JSON.stringify(value)})`);
  }
  return parsed.data;
}
