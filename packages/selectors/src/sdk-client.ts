// What a selector's SDK client is made from: a ready client, or a key routed by the address requests go to.
import { clientOnFirstUse, routeApiKey } from "@loom/core/internal";
import { SelectorError } from "./selector-error.js";

export interface SdkClientOptions<Client> {
  /** A ready client (tests, proxies); otherwise one is made from the options below. */
  client?: Client;
  /** Otherwise the service's own variable, read only when `baseURL` is the service's (else LOOM_CUSTOM_API_KEY). */
  apiKey?: string;
  baseURL?: string;
  /** SDK-level retries of failed HTTP requests (default 2). */
  maxRetries?: number;
  fetch?: typeof globalThis.fetch;
  /** Where keys are looked up (default `process.env`). */
  env?: Record<string, string | undefined>;
}

/** A selector's SDK client: where its requests go (for messages), and the client itself, made when first needed. */
export interface SelectorClient<Client> {
  baseURL: string;
  get(): Promise<Client>;
}

/** A service a selector calls: its name in messages, its key variable and its own address. */
export interface SelectorService {
  name: string;
  envVar: string;
  homeURL: string;
}

/** The options to construct the service's SDK client with; a missing key is a configuration error naming the variable. */
export function sdkClientConfig(
  options: SdkClientOptions<unknown>,
  service: SelectorService,
): { apiKey: string; baseURL: string; maxRetries?: number; fetch?: typeof globalThis.fetch } {
  const baseURL = options.baseURL ?? service.homeURL;
  const { key, envVar } = routeApiKey({
    explicit: options.apiKey,
    envVar: service.envVar,
    homeURL: service.homeURL,
    baseURL,
    env: options.env ?? process.env,
  });
  if (!key)
    throw new SelectorError("configuration", `no ${service.name} API key for ${baseURL}: set ${envVar} or pass apiKey`);
  return {
    apiKey: key,
    baseURL,
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
}

/**
 * The service's client: the given one, or one made on the first call by `make` (which loads the SDK then); a
 * missing key is a configuration error now, naming the variable.
 */
export function selectorClient<Client extends { baseURL: string }>(
  options: SdkClientOptions<Client>,
  service: SelectorService,
  make: (config: ReturnType<typeof sdkClientConfig>) => Promise<Client>,
): SelectorClient<Client> {
  const given = options.client;
  if (given) return { baseURL: given.baseURL, get: () => Promise.resolve(given) };
  const config = sdkClientConfig(options, service);
  return { baseURL: config.baseURL, get: clientOnFirstUse(() => make(config)) };
}
