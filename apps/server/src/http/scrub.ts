// Scrubbing text before it leaves the server (error bodies, events, logs): no API key, no absolute path.

/** Values of the server's secrets (API keys, tokens) long enough to be worth hiding. */
export function secretValues(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => /(API_KEY|TOKEN|SECRET)$/i.test(name) && typeof value === "string" && value.length >= 8)
    .map(([, value]) => value!);
}

// Shapes of keys that may appear in a provider's error text even when the server never knew them.
const KEY_SHAPES = [
  /\bsk-(?:ant-|proj-|or-)?[A-Za-z0-9_-]{12,}/g,
  /\b(?:Bearer|x-api-key:?|api[_-]?key[=:])\s*[A-Za-z0-9._~+/-]{12,}=*/gi,
  /\b(?:gsk|xai|fw|tgp_v1)_[A-Za-z0-9_-]{12,}/g,
];

/** An absolute file path (not the path part of a URL) is cut to its last segment. */
const ABSOLUTE_PATH = /(?<![\w.:/~-])\/(?:[\w.@+-]+\/)+([\w.@+-]+)/g;

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  for (const shape of KEY_SHAPES) out = out.replace(shape, "[redacted]");
  return out.replace(ABSOLUTE_PATH, "…/$1");
}
