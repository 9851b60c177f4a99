// Telling an agentic selector (which drives the loop through tools) from a stateless one.
import type { AgenticSelector, Selector } from "@loom/selectors";

export const isAgentic = (s: Selector | AgenticSelector | undefined): s is AgenticSelector =>
  !!s && "step" in s && typeof s.step === "function";
