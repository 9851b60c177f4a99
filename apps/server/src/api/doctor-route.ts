// GET /api/doctor: one tiny real request to the server's configured generator and selector; what each answered, scrubbed.
import { SessionConfigSchema, type ServiceProbe } from "@loom/core";
import { probeGeneratorConfig } from "@loom/generators";
import { probeSelectorConfig } from "@loom/selectors";
import { scrub } from "../http/scrub.js";
import { defineRoute } from "./api-route.js";

export const doctorRoute = () =>
  defineRoute({
    method: "GET",
    path: "/api/doctor",
    operationId: "doctor",
    summary:
      "Probe the server's default generator and selector with one tiny request each (reachable, auth, model served, n, logprobs, stops, prefill and thinking facts, cost).",
    responses: { 200: { description: "One report per service; `ok` is true when both are ready." } },
    handle: async (ctx) => {
      const config = SessionConfigSchema.parse(ctx.deps.defaultConfig);
      const env = ctx.deps.secretsEnv;
      const clean = (p: ServiceProbe): ServiceProbe => ({
        ...p,
        error: p.error === null ? null : scrub(p.error, ctx.deps.secrets),
      });
      const generator = clean(await probeGeneratorConfig(config.generator, env));
      const selector = clean(await probeSelectorConfig(config.selector, env));
      return { status: 200, body: { ok: generator.ok && selector.ok, generator, selector } };
    },
  });
