// PyLoom's stored model responses → Loom tokens: its "formatted" responses (completions[].tokens[] with
// generatedToken and counterfactuals, as loom's gpt.py writes them) and older raw OpenAI ones (choices[].logprobs).
// Every check runs on every token; the field paths for the messages are built only when a check fails (building
// them per token was a fifth of an import's own time on a 100,000-node file).
import { TokenListBuilder, type TokenList } from "@loom/core";
import {
  type CheckSite,
  type Field,
  type Json,
  type LazyField,
  SubField,
  arrayAt,
  fieldText,
  isObject,
  objectAt,
  optNumberAt,
  stringAt,
} from "./foreign-check.js";

/**
 * `{token: logprob}` (PyLoom's counterfactuals, OpenAI's top_logprobs) as the current token's alternatives (the
 * builder keeps them most likely first); `field` and `suffix` name it for a message (joined only then).
 */
function alternatives(site: CheckSite, out: TokenListBuilder, v: unknown, field: Field, suffix = ""): void {
  if (v === undefined || v === null) return;
  const o = isObject(v) ? v : objectAt(site, v, new SubField(field, suffix), "an object of token → logprob");
  for (const text in o) {
    const lp = o[text];
    if (typeof lp === "number" && Number.isFinite(lp)) out.alternative(text, lp);
    else if (lp !== null) optNumberAt(site, lp, new SubField(field, `${suffix}[${JSON.stringify(text)}]`), "a logprob");
  }
}

export interface PyloomCompletion {
  /** Its tokens, packed as they are read (no object per token: a large file has hundreds of thousands). */
  tokens: TokenList;
  /** The sum of the tokens' logprobs, or null when one has none (the node's stepLogprob). */
  stepLogprob: number | null;
  /** Whether the tokens' texts, in order, are exactly the node's text (not edited after generation). */
  spells: boolean;
  /** The completion's finish reason, for the node's provenance. */
  finishReason?: string;
}

/** Tracks whether tokens read one by one spell `text`, compared in place (no joined copy per node). */
class Spelling {
  private at = 0;
  private ok = true;
  private text = "";
  /** Start over for `text`. */
  reset(text: string): void {
    this.text = text;
    this.at = 0;
    this.ok = true;
  }
  next(token: string): void {
    if (!this.ok) return;
    // Compared by character codes: startsWith with a position allocated ~380 bytes per call here (V8 11), a
    // quarter of everything a 100,000-node import allocated.
    const text = this.text;
    const at = this.at;
    const n = token.length;
    if (at + n > text.length) {
      this.ok = false;
      return;
    }
    for (let i = 0; i < n; i++) {
      if (text.charCodeAt(at + i) !== token.charCodeAt(i)) {
        this.ok = false;
        return;
      }
    }
    this.at = at + n;
  }
  get whole(): boolean {
    return this.ok && this.at === this.text.length;
  }
}

/** Token `i` of completion `cf`: {generatedToken: {token, logprob}, counterfactuals}; its path is built only for a message. */
function formattedToken(
  site: CheckSite,
  out: TokenListBuilder,
  spelling: Spelling,
  v: unknown,
  cf: Field,
  i: number,
): void {
  const t = isObject(v) ? v : objectAt(site, v, new TokenField(cf, i));
  const g = isObject(t.generatedToken)
    ? t.generatedToken
    : objectAt(
        site,
        t.generatedToken,
        new SubField(new TokenField(cf, i), ".generatedToken"),
        "an object {token, logprob}",
      );
  const text =
    typeof g.token === "string"
      ? g.token
      : stringAt(site, g.token, new SubField(new TokenField(cf, i), ".generatedToken.token"));
  const lp = g.logprob;
  const logprob =
    typeof lp === "number" && Number.isFinite(lp)
      ? lp
      : optNumberAt(site, lp, new SubField(new TokenField(cf, i), ".generatedToken.logprob"), "a logprob");
  out.token(text, logprob);
  spelling.next(text);
  const cfs = t.counterfactuals;
  if (cfs !== undefined && cfs !== null) alternatives(site, out, cfs, new TokenField(cf, i), ".counterfactuals");
}

/** Token `i` of a completion, named only when a message needs it. */
class TokenField implements LazyField {
  constructor(
    private readonly completion: Field,
    private readonly i: number,
  ) {}
  fieldPath(): string {
    return `${fieldText(this.completion)}.tokens[${this.i}]`;
  }
}

const BUILDER = new TokenListBuilder();
const SPELLING = new Spelling();

/** What a completion gives once its tokens are read. */
function completionOf(out: TokenListBuilder, spelling: Spelling, finish: unknown): PyloomCompletion {
  // Read before build, which empties the builder.
  const stepLogprob = out.logprobSum;
  const spells = out.length > 0 && spelling.whole;
  const done: PyloomCompletion = { tokens: out.build(), stepLogprob, spells };
  if (typeof finish === "string") done.finishReason = finish;
  return done;
}

/**
 * Completion `index` of the stored `response` (field: where it is in the file), or undefined when it has none;
 * `text` is the node's text, which its tokens should spell.
 */
export function pyloomCompletion(
  site: CheckSite,
  response: Json,
  index: number,
  field: Field,
  text: string,
): PyloomCompletion | undefined {
  // One builder and one spelling check for every completion of every file (reading is synchronous), started
  // over here in case an earlier read stopped half-way at a malformed token.
  const out = BUILDER;
  const spelling = SPELLING;
  out.reset();
  spelling.reset(text);
  if (response.completions !== undefined) {
    const completions = Array.isArray(response.completions)
      ? response.completions
      : arrayAt(site, response.completions, new SubField(field, ".completions"));
    const c = completions[index];
    if (c === undefined) return undefined;
    const cf = new SubField(field, `.completions[${index}]`);
    const completion = isObject(c) ? c : objectAt(site, c, cf);
    const list =
      completion.tokens === undefined
        ? []
        : Array.isArray(completion.tokens)
          ? completion.tokens
          : arrayAt(site, completion.tokens, new SubField(cf, ".tokens"));
    for (let i = 0; i < list.length; i++) formattedToken(site, out, spelling, list[i], cf, i);
    return completionOf(out, spelling, completion.finishReason);
  }
  if (response.choices !== undefined) {
    const choices = arrayAt(site, response.choices, new SubField(field, ".choices"));
    const c = choices[index];
    if (c === undefined) return undefined;
    const cf = `${fieldText(field)}.choices[${index}]`;
    const choice = objectAt(site, c, cf);
    if (isObject(choice.logprobs)) {
      const texts = arrayAt(site, choice.logprobs.tokens, `${cf}.logprobs.tokens`);
      const lps = choice.logprobs.token_logprobs;
      const tops = choice.logprobs.top_logprobs;
      for (let i = 0; i < texts.length; i++) {
        const token = stringAt(site, texts[i], `${cf}.logprobs.tokens[${i}]`);
        const lp = Array.isArray(lps) ? optNumberAt(site, lps[i], `${cf}.logprobs.token_logprobs[${i}]`) : undefined;
        out.token(token, lp);
        spelling.next(token);
        if (Array.isArray(tops)) alternatives(site, out, tops[i], `${cf}.logprobs.top_logprobs[${i}]`);
      }
    }
    return completionOf(out, spelling, choice.finish_reason);
  }
  return undefined;
}
