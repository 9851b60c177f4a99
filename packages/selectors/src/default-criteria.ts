// The design's default selection criteria (DESIGN §5, the seed's "falsifiable" ones), stated to every LLM selector.

/** What a candidate is chosen for, in every session; a brief's lean-into list adds to these. */
export const DEFAULT_LEAN_INTO: readonly string[] = [
  "Syntactic pull: it makes you want the next word",
  "Image density: concrete, sensory",
  "Surprise that fits: unexpected but retrospectively inevitable",
  "Load-bearing phrasing: no filler",
  "Register match: the brief's voice",
];

/** What a candidate is chosen against, in every session; a brief's avoid list adds to these. */
export const DEFAULT_AVOID: readonly string[] = [
  'Assistant-mode hedging ("It is important to note…")',
  "Premature resolution: closing tension or explaining a metaphor too early",
  "Generic mysticism: vague cosmic talk not grounded in the piece's imagery",
  'Filler ("kind of", "in a sense")',
  "Register breaks: sudden corporate, academic or chatty tone",
];
