// Refusing, before anything is sent, a request for a sampling control the generator cannot honour.
import type { GenerateRequest, GeneratorCapabilities, SamplingControl } from "@loom/core";
import { GeneratorError } from "./errors.js";

/** The optional controls a request uses (a control left at its "not sent" value is not used). */
export function samplingControlsUsed(request: GenerateRequest): SamplingControl[] {
  const used: SamplingControl[] = [];
  if (request.topK !== undefined) used.push("topK");
  if (request.minP !== undefined) used.push("minP");
  if (request.logitBias && Object.keys(request.logitBias).length > 0) used.push("logitBias");
  if (request.extraBody && Object.keys(request.extraBody).length > 0) used.push("extraBody");
  return used;
}

const SETTING: Record<SamplingControl, string> = {
  topK: "generator.topK",
  minP: "generator.minP",
  logitBias: "generator.logitBias",
  extraBody: "generator.extraBody",
};

/** Throws `invalid_request` naming each control `who` cannot honour and the setting that asked for it. */
export function refuseUnsupportedSampling(
  who: { provider: string; capabilities: GeneratorCapabilities },
  request: GenerateRequest,
): void {
  const honoured = new Set(who.capabilities.samplingControls ?? []);
  const refused = samplingControlsUsed(request).filter((c) => !honoured.has(c));
  if (refused.length === 0) return;
  throw new GeneratorError(
    "invalid_request",
    `the ${who.provider} generator cannot honour ${refused.join(", ")}: clear ${refused.map((c) => SETTING[c]).join(", ")} ` +
      `(e.g. \`loom config SESSION set ${SETTING[refused[0]!]} null\`) or use a generator that takes ${refused.length > 1 ? "them" : "it"}` +
      (honoured.size > 0 ? ` (this one takes ${[...honoured].join(", ")})` : ""),
  );
}
