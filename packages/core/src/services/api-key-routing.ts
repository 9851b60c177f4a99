// Which API key may go to which base URL: a service's key only to that service, a custom base URL only its own key.

/** The variable holding the key for any base URL that is not a service's own (a proxy, a gateway, your server). */
export const CUSTOM_API_KEY_ENV = "LOOM_CUSTOM_API_KEY";

export interface ApiKeyRoute {
  /** A key given in the config or the options: goes wherever the config says. */
  explicit?: string | undefined;
  /** The service's own variable (e.g. ANTHROPIC_API_KEY). */
  envVar: string;
  /** The service's own base URL; absent for local servers, whose variable is theirs wherever they run. */
  homeURL?: string | undefined;
  /** Where the request will go. */
  baseURL: string;
  env: Record<string, string | undefined>;
}

export interface RoutedApiKey {
  key: string | undefined;
  /** The variable the key came from, or would come from (named in errors); null for an explicit key. */
  envVar: string | null;
}

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/** True when `baseURL` is on the service's own origin (or the service has no fixed home). */
export function isHomeURL(baseURL: string, homeURL: string | undefined): boolean {
  return homeURL === undefined || originOf(baseURL) === originOf(homeURL);
}

/** The key for a request: explicit first; the service's variable only on its own origin; else {@link CUSTOM_API_KEY_ENV}. */
export function routeApiKey(route: ApiKeyRoute): RoutedApiKey {
  const usable = (k: string | undefined) => (k !== undefined && k.trim() !== "" ? k : undefined);
  if (usable(route.explicit)) return { key: route.explicit, envVar: null };
  const envVar = isHomeURL(route.baseURL, route.homeURL) ? route.envVar : CUSTOM_API_KEY_ENV;
  return { key: usable(route.env[envVar]), envVar };
}
