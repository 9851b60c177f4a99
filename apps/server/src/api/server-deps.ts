// What route handlers need besides the request: ids and clocks, defaults for new sessions, limits and a logger.
import type { GenerationPreset, LoomEnv, SessionConfigInput } from "@loom/core";
import type { AnalysisGate } from "./analysis-gate.js";
import type { SessionPolicy } from "./session-policy.js";

export interface ServerDeps {
  env: LoomEnv;
  /** Settings new sessions start from before the request's own (e.g. the local model's path). */
  defaultConfig: SessionConfigInput;
  maxBodyBytes: number;
  /** The body limit of a route that carries a whole file (an import). */
  maxImportBytes: number;
  /** Where API keys come from (never sent to clients). */
  secretsEnv: Record<string, string | undefined>;
  /** The values of those keys, scrubbed from anything that leaves the server. */
  secrets: readonly string[];
  /** What clients may choose for new sessions (providers, model files); base URLs never. */
  policy: SessionPolicy;
  log: (message: string) => void;
  /** The user's named presets (the server operator's presets file), beside the built-ins. */
  presets: Record<string, GenerationPreset>;
  /** Turns for GET /api/analysis: how many run at once and wait (see AnalysisGate). */
  analyses: AnalysisGate;
}
