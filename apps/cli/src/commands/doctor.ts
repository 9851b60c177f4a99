// `loom doctor`: one tiny real request to the configured generator and selector, and what Loom will get from each.
import { defaultSessionConfig, type ServiceProbe } from "@loom/core";
import { failedProbe } from "@loom/core/internal";
import { probeGenerator } from "@loom/generators";
import { probeSelectorConfig } from "@loom/selectors";
import { defineCommand } from "../cli/define-command.js";
import { FailureError } from "../cli/exit-error.js";
import { renderProbe } from "../render/service-probe.js";
import { GENERATOR_OPTIONS, SELECTOR_OPTIONS, applyConfigFlags } from "../session/config-flags.js";
import { makeGenerator } from "../session/make-generator.js";

export default defineCommand({
  name: "doctor",
  summary: "probe the configured generator and selector with one tiny request each",
  description:
    "Sends one small real request to each configured service (two tokens of generation, one short decision) and reports whether it is reachable, whether the key is accepted, whether the model is served, native n, the logprobs layout and limit, how stops are handled, prefill and thinking facts, and what the probe cost.",
  options: { ...GENERATOR_OPTIONS, ...SELECTOR_OPTIONS },
  examples: [
    { command: "loom doctor", description: "Probe the local engine (the default generator)." },
    {
      command: "loom doctor --generator llamacpp --base-url http://localhost:8080/v1 --model stories15M",
      description: "Check a llama.cpp server.",
    },
    {
      command:
        "loom doctor --generator anthropic-cli-sim --selector stateless --selector-model claude-sonnet-5-5 --json",
      description: "Both services, as JSON.",
    },
  ],
  async run({ values, env, cwd, out, signal }) {
    const config = applyConfigFlags(defaultSessionConfig(), values);
    out.info(
      `probing ${config.generator.provider}${config.selector.mode === "human" || config.selector.mode === "auto" ? "" : ` and ${config.selector.model}`}…`,
    );
    let generatorProbe: ServiceProbe;
    try {
      const generator = makeGenerator(config.generator, { env, cwd });
      try {
        generatorProbe = await probeGenerator(generator, { signal });
      } finally {
        await generator.close?.();
      }
    } catch (error) {
      generatorProbe = failedProbe(
        "generator",
        { provider: config.generator.provider, model: config.generator.model, baseURL: config.generator.baseUrl },
        error,
      );
    }
    const selectorProbe = await probeSelectorConfig(config.selector, env, signal);
    const report = { ok: generatorProbe.ok && selectorProbe.ok, generator: generatorProbe, selector: selectorProbe };
    out.result(report, () => [renderProbe(generatorProbe), renderProbe(selectorProbe)].join("\n\n"));
    if (!report.ok)
      throw new FailureError(
        "doctor: a service is not ready (see above)",
        "fix what the report names, then run loom doctor again",
      );
  },
});
