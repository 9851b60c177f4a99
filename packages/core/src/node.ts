// The Node schema: one segment of text in the loom; every candidate becomes one.
import { z } from "zod";
import { TokenList } from "./token-list.js";
import { TokenSchema, type Token } from "./token.js";

export { TokenSchema, TopLogprobSchema, type Token, type TopLogprob } from "./token.js";

/**
 * A node's tokens: given as plain tokens (or an existing TokenList), held packed as a TokenList, written
 * back as plain tokens (TokenList.toJSON). A TokenList given here is checked like plain tokens would be.
 */
export const TokensSchema = z
  .preprocess((v) => (TokenList.is(v) ? v.toArray() : v), z.array(TokenSchema))
  .transform((tokens) => TokenList.from(tokens)) as unknown as z.ZodType<TokenList, Token[] | TokenList>;

export const ChosenBySchema = z.enum(["human", "selector_llm", "auto"]);
export type ChosenBy = z.infer<typeof ChosenBySchema>;

export const ScoresSchema = z.record(z.string(), z.number());
export type Scores = z.infer<typeof ScoresSchema>;

export const NodeSchema = z.object({
  id: z.string().min(1),
  parentId: z.string().min(1).nullable(),
  /** This segment only; the full text is the concatenation along the root path. */
  text: z.string(),
  /** Packed (see TokenList): `node.tokens?.toArray()` gives the plain tokens, JSON.stringify writes them. */
  tokens: TokensSchema.nullable().default(null),
  /** Sum of token log-probabilities over the segment; null when the generator gives none. */
  stepLogprob: z.number().nullable().default(null),
  /** The decision that offered this node as a candidate (null for the root). */
  decisionId: z.string().nullable().default(null),
  chosenBy: ChosenBySchema.nullable().default(null),
  selectionReason: z.string().nullable().default(null),
  scores: ScoresSchema.default({}),
  createdAt: z.string(),
  /** How the node came to be: human-written, generated, or an edit of another node. */
  origin: z.enum(["seed", "generated", "human", "edit"]).default("generated"),
  /** For an edit: the node whose text this one replaces (kept unchanged). */
  replacesId: z.string().nullable().default(null),
  /** Provenance: generator, model, sampling parameters, the exact prompt. */
  meta: z.record(z.string(), z.unknown()).default({}),
});
export type LoomNode = z.infer<typeof NodeSchema>;
export type LoomNodeInput = z.input<typeof NodeSchema>;
