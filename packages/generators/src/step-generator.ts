// The base of the adapters that compute a step in one method: `generate` runs it, `stream` runs it listening to its text as it arrives.
import {
  GENERATOR_SPECIFICATION_VERSION,
  type GenerateRequest,
  type GenerateResult,
  type GenerateStreamEvent,
  type Generator,
  type GeneratorCapabilities,
} from "@loom/core";
import { streamStep, type StepDelta } from "./event-channel.js";

/** A generator whose `generate` and `stream` are one `step`, so a streamed step and a plain one cannot drift apart. */
export abstract class StepGenerator implements Generator {
  readonly specificationVersion = GENERATOR_SPECIFICATION_VERSION;
  abstract readonly provider: string;
  abstract readonly model: string;
  abstract readonly capabilities: GeneratorCapabilities;

  /** Runs one step; `onDelta`, when given, hears each candidate's new text as it arrives. */
  protected abstract step(request: GenerateRequest, onDelta?: (delta: StepDelta) => void): Promise<GenerateResult>;

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return this.step(request);
  }

  stream(request: GenerateRequest): AsyncIterable<GenerateStreamEvent> {
    return streamStep((onDelta) => this.step(request, onDelta));
  }
}
