// Resolving an adapter's API key: given explicitly, or read from the variable that belongs to where the request goes.
import { routeApiKey, type ApiKeyRoute } from "@loom/core/internal";
import { MissingApiKeyError } from "../errors.js";

export type Env = Record<string, string | undefined>;

export interface ResolveApiKeyOptions extends ApiKeyRoute {
  provider: string;
  /** Whether a key is needed at all; a local server gets `fallback`, since the SDKs insist on some string. */
  required?: boolean;
  fallback?: string;
}

/**
 * The key to send. A service's own variable is read only when the base URL is that service's
 * (see `routeApiKey` in @loom/core); a missing key for a service that needs one throws
 * `MissingApiKeyError` naming the variable to set.
 */
export function resolveApiKey(options: ResolveApiKeyOptions): string {
  const { key, envVar } = routeApiKey(options);
  if (key !== undefined) return key;
  if (options.required ?? true)
    throw new MissingApiKeyError(options.provider, envVar ?? options.envVar, options.baseURL);
  return options.fallback ?? "not-needed";
}

/** The variable a 401 should point at: the service's own on its base URL, LOOM_CUSTOM_API_KEY elsewhere. */
export function keyVariableFor(options: Pick<ResolveApiKeyOptions, "envVar" | "homeURL" | "baseURL">): string {
  return routeApiKey({ ...options, env: {} }).envVar ?? options.envVar;
}
