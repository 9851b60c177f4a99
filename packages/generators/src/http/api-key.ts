// Resolving an adapter's API key: given explicitly, or read from the environment variable named in the error.
import { MissingApiKeyError } from "../errors.js";

export type Env = Record<string, string | undefined>;

/**
 * The key to use: `explicit`, else `env[envVar]`. When neither is set, a provider that needs a
 * key throws `MissingApiKeyError` naming the variable; one that does not (a local server) gets
 * `fallback`, since the SDKs insist on some string.
 */
export function resolveApiKey(provider: string, explicit: string | undefined, envVar: string, env: Env, required = true, fallback = "not-needed"): string {
  const key = explicit ?? env[envVar];
  if (key !== undefined && key.trim() !== "") return key;
  if (required) throw new MissingApiKeyError(provider, envVar);
  return fallback;
}
