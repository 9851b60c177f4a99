// What every HTTP adapter's SDK client is built with: the key routed by where requests go, the address, the
// timeout, extra headers and an injected fetch; the SDK's own retries are off because the adapters retry.
import type { ApiKeyRoute } from "@loom/core/internal";
import { keyVariableFor, resolveApiKey } from "./api-key.js";
import { DEFAULT_TIMEOUT_MS, type HttpGeneratorOptions } from "./http-options.js";
import type { SdkErrorContext } from "./sdk-error.js";

export interface SdkClientSetup {
  provider: string;
  /** The service's own key variable and home address (omit `homeURL` for a server of the user's). */
  key: Pick<ApiKeyRoute, "envVar" | "homeURL">;
  /** Whether the service needs a key at all (default true). */
  required?: boolean;
  /** Headers sent before the caller's own (a preset's). */
  headers?: Record<string, string>;
}

export interface SdkClientOptions {
  apiKey: string;
  baseURL: string;
  timeout: number;
  maxRetries: 0;
  defaultHeaders?: Record<string, string>;
  fetch?: typeof fetch;
}

/** The SDK client's options for `options.baseURL` (or `defaultBaseURL`); throws MissingApiKeyError naming the variable. */
export function sdkClientOptions(
  setup: SdkClientSetup,
  options: Omit<HttpGeneratorOptions, "model">,
  baseURL: string,
): SdkClientOptions {
  const apiKey = resolveApiKey({
    provider: setup.provider,
    explicit: options.apiKey,
    ...setup.key,
    baseURL,
    env: options.env ?? process.env,
    ...(setup.required === undefined ? {} : { required: setup.required }),
  });
  const headers = { ...setup.headers, ...options.headers };
  return {
    apiKey,
    baseURL,
    timeout: options.timeout ?? DEFAULT_TIMEOUT_MS,
    maxRetries: 0,
    ...(Object.keys(headers).length > 0 ? { defaultHeaders: headers } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
}

/** How an SDK failure of this client is worded: the provider, the address and the key variable a 401 points at. */
export function sdkErrorContext(setup: SdkClientSetup, baseURL: string): SdkErrorContext {
  return { provider: setup.provider, baseURL, envVar: keyVariableFor({ ...setup.key, baseURL }) };
}
