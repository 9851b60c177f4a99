// The provider-neutral seam of the stateless selector: one structured call, and one repair of a bad reply.
import type { ChatPrompt } from "./stateless-prompt.js";

export interface DecisionReply {
  /** The structured value the model returned (tool input or parsed JSON); undefined when unparseable. */
  value: unknown;
  /** Why the reply could not be read as JSON, when it could not. */
  parseError?: string;
  /** The reply as text, for error reports. */
  raw: string;
  inputTokens: number;
  outputTokens: number;
  /** Provider-specific continuation used to send the reply back for repair. */
  transcript: unknown;
}

export interface DecisionCallOptions {
  signal?: AbortSignal;
  /** Send `reply` back with `error` and ask for a corrected decision. */
  repair?: { reply: DecisionReply; error: string };
}

export interface DecisionModel {
  readonly provider: string;
  readonly model: string;
  decide(prompt: ChatPrompt, options?: DecisionCallOptions): Promise<DecisionReply>;
}

/** The message sent back with an invalid reply. */
export function repairInstruction(error: string): string {
  return `That decision is invalid: ${error}. Return one corrected decision that matches the schema and uses only the candidate ids you were given.`;
}
