// Keeping node provenance linear in size: the text-so-far inside a recorded prompt becomes a reference to the parent's path.
import { nodeText, type Loom } from "@loom/core";

/** A prompt string with the path text of `pathTextOf` cut out: prompt = before + text + after. */
export interface PromptTextRef {
  $pathTextOf: string;
  before: string;
  after: string;
}

const isRef = (v: unknown): v is PromptTextRef =>
  typeof v === "object" && v !== null && typeof (v as PromptTextRef).$pathTextOf === "string";

/**
 * Replace every string in `prompt` that contains `text` with a reference to `nodeId`'s path text.
 * Storing the exact prompt on every node would make storage quadratic in the piece's length; the
 * reference is exact (see `expandPrompt`) and costs only the prompt's other parts.
 */
export function compactPrompt(prompt: unknown, text: string, nodeId: string): unknown {
  if (text.length < 64) return prompt;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      if (v === text) return { $pathTextOf: nodeId, before: "", after: "" };
      const at = v.indexOf(text);
      return at < 0 ? v : { $pathTextOf: nodeId, before: v.slice(0, at), after: v.slice(at + text.length) };
    }
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(prompt);
}

/** The exact prompt a node's `meta.prompt` records, with path-text references filled in from the loom. */
export function expandPrompt(loom: Loom, prompt: unknown): unknown {
  if (isRef(prompt)) return prompt.before + nodeText(loom, prompt.$pathTextOf) + prompt.after;
  if (Array.isArray(prompt)) return prompt.map((p) => expandPrompt(loom, p));
  if (typeof prompt === "object" && prompt !== null)
    return Object.fromEntries(Object.entries(prompt).map(([k, x]) => [k, expandPrompt(loom, x)]));
  return prompt;
}
