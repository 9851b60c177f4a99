// What a client may choose for a new session: providers from the server's allow-list, never a base URL, a model file only by its name.
import { access, constants } from "node:fs/promises";
import { basename, resolve } from "node:path";
import type { SessionConfig } from "@loom/core";
import { HttpError } from "../http/http-error.js";

export interface SessionPolicy {
  /** Generator providers clients may pick; default every provider this server knows. */
  generatorProviders: ReadonlySet<string>;
  /** Selector providers clients may pick (anthropic, openai). */
  selectorProviders: ReadonlySet<string>;
  /** GGUF files the local engine may load, as the server was given them. */
  modelFiles: readonly string[];
  /**
   * Base URLs of the generators the server runs alongside, by provider (`loom serve --alongside-base-url`): a
   * client that names one of these providers alongside reaches the server's endpoint, never one of its own.
   */
  alongsideBaseUrls?: ReadonlyMap<string, string>;
}

const sent = (o: unknown, key: string): unknown =>
  o && typeof o === "object" ? (o as Record<string, unknown>)[key] : undefined;
const present = (v: unknown) => v !== undefined && v !== null && v !== "";

/**
 * Check a new session's config against the server's policy and return it with the server's choices
 * filled in (the model file's real path). Throws a 400 naming the field; nothing is written before.
 */
export async function applySessionPolicy(
  config: SessionConfig,
  raw: { generator?: unknown; selector?: unknown },
  policy: SessionPolicy,
): Promise<SessionConfig> {
  const refuse = (field: string, message: string) => new HttpError(400, "not_allowed", message, { field });
  if (present(sent(raw.generator, "baseUrl")))
    throw refuse(
      "generator.baseUrl",
      "base URLs are chosen by the server, not the client (configure them when starting the server)",
    );
  if (present(sent(raw.selector, "baseUrl")))
    throw refuse(
      "selector.baseUrl",
      "base URLs are chosen by the server, not the client (configure them when starting the server)",
    );
  const generator = { ...config.generator };
  if (!policy.generatorProviders.has(generator.provider)) {
    throw refuse(
      "generator.provider",
      `this server does not offer the generator "${generator.provider}"; it offers: ${[...policy.generatorProviders].join(", ")}`,
    );
  }
  const selectorProvider =
    config.selector.provider ??
    (config.selector.model
      ? /^claude/i.test(config.selector.model)
        ? "anthropic"
        : (/^([a-z-]+):/.exec(config.selector.model)?.[1] ?? "openai")
      : null);
  if (
    selectorProvider &&
    config.selector.mode !== "human" &&
    config.selector.mode !== "auto" &&
    !policy.selectorProviders.has(selectorProvider)
  ) {
    throw refuse(
      "selector.provider",
      `this server does not offer the selector provider "${selectorProvider}"; it offers: ${[...policy.selectorProviders].join(", ")}`,
    );
  }
  if (generator.provider === "local")
    generator.model = await localModel(generator.model, sent(raw.generator, "model"), policy.modelFiles, refuse);
  // Generators alongside follow the same rules: the server's providers, its base URLs, its model files.
  const sentAlongside = sent(raw.generator, "alongside");
  generator.alongside = await Promise.all(
    generator.alongside.map(async (a, i) => {
      const field = `generator.alongside.${i}`;
      const asked = Array.isArray(sentAlongside) ? sentAlongside[i] : undefined;
      if (present(sent(asked, "baseUrl")))
        throw refuse(
          `${field}.baseUrl`,
          "base URLs are chosen by the server, not the client (configure them when starting the server)",
        );
      if (!policy.generatorProviders.has(a.provider))
        throw refuse(
          `${field}.provider`,
          `this server does not offer the generator "${a.provider}"; it offers: ${[...policy.generatorProviders].join(", ")}`,
        );
      if (a.provider !== "local") {
        const baseUrl = present(asked) ? (policy.alongsideBaseUrls?.get(a.provider) ?? null) : a.baseUrl;
        return { ...a, baseUrl };
      }
      return { ...a, model: await localModel(a.model, sent(asked, "model"), policy.modelFiles, refuse) };
    }),
  );
  return { ...config, generator };
}

/** The server's file the client named (by file name or the exact path the server was given), checked readable. */
async function localModel(
  merged: string,
  asked: unknown,
  files: readonly string[],
  refuse: (field: string, message: string) => HttpError,
): Promise<string> {
  const names = files.map((f) => basename(f));
  let chosen: string | undefined;
  if (present(asked)) {
    chosen = files.find((f) => f === asked || resolve(f) === asked || basename(f) === asked);
    if (!chosen) {
      throw refuse(
        "generator.model",
        `model files are chosen from the server's own list${names.length ? ` (${names.join(", ")})` : " (none configured: start the server with --model)"}, not by path`,
      );
    }
  } else chosen = merged || files[0];
  if (!chosen) return "";
  try {
    await access(chosen, constants.R_OK);
  } catch {
    throw refuse("generator.model", `the model file ${basename(chosen)} is missing or unreadable on this server`);
  }
  return chosen;
}
