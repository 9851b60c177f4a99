// PyLoom's stored model responses → Loom tokens: its "formatted" responses (completions[].tokens[] with
// generatedToken and counterfactuals, as loom's gpt.py writes them) and older raw OpenAI ones (choices[].logprobs).
// Every check runs on every token; the field paths for the messages are built only when a check fails (building
// them per token was a fifth of an import's own time on a 100,000-node file).
import type { Token, TopLogprob } from "@loom/core";
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
 * `{token: logprob}` (PyLoom's counterfactuals, OpenAI's top_logprobs) as alternatives, most likely first; `field`
 * and `suffix` name it for a message (joined only then).
 */
function alternatives(site: CheckSite, v: unknown, field: Field, suffix = ""): TopLogprob[] | undefined {
  if (v === undefined || v === null) return undefined;
  const o = isObject(v) ? v : objectAt(site, v, new SubField(field, suffix), "an object of token → logprob");
  const top: TopLogprob[] = [];
  for (const text in o) {
    const lp = o[text];
    if (typeof lp === "number" && Number.isFinite(lp)) top.push({ text, logprob: lp });
    else if (lp !== null) optNumberAt(site, lp, new SubField(field, `${suffix}[${JSON.stringify(text)}]`), "a logprob");
  }
  if (top.length > 1) top.sort((a, b) => b.logprob - a.logprob);
  return top;
}

export interface PyloomCompletion {
  tokens: Token[];
  /** The completion's other fields (finishReason…), for the node's provenance. */
  finishReason?: string;
}

/** Token `i` of completion `cf`: {generatedToken: {token, logprob}, counterfactuals}; its path is built only for a message. */
function formattedToken(site: CheckSite, v: unknown, cf: Field, i: number): Token {
  const t = isObject(v) ? v : objectAt(site, v, new TokenField(cf, i));
  const g = isObject(t.generatedToken)
    ? t.generatedToken
    : objectAt(
        site,
        t.generatedToken,
        new SubField(new TokenField(cf, i), ".generatedToken"),
        "an object {token, logprob}",
      );
  const token: Token = {
    text:
      typeof g.token === "string"
        ? g.token
        : stringAt(site, g.token, new SubField(new TokenField(cf, i), ".generatedToken.token")),
  };
  const lp = g.logprob;
  if (typeof lp === "number" && Number.isFinite(lp)) token.logprob = lp;
  else {
    const checked = optNumberAt(site, lp, new SubField(new TokenField(cf, i), ".generatedToken.logprob"), "a logprob");
    if (checked !== undefined) token.logprob = checked;
  }
  const cfs = t.counterfactuals;
  const top =
    cfs === undefined || cfs === null ? undefined : alternatives(site, cfs, new TokenField(cf, i), ".counterfactuals");
  if (top && top.length > 0) token.top = top;
  return token;
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

/** Completion `index` of the stored `response` (field: where it is in the file), or undefined when it has none. */
export function pyloomCompletion(
  site: CheckSite,
  response: Json,
  index: number,
  field: Field,
): PyloomCompletion | undefined {
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
    const tokens = new Array<Token>(list.length);
    for (let i = 0; i < list.length; i++) tokens[i] = formattedToken(site, list[i], cf, i);
    const finish = completion.finishReason;
    return typeof finish === "string" ? { tokens, finishReason: finish } : { tokens };
  }
  if (response.choices !== undefined) {
    const choices = arrayAt(site, response.choices, new SubField(field, ".choices"));
    const c = choices[index];
    if (c === undefined) return undefined;
    const cf = `${fieldText(field)}.choices[${index}]`;
    const choice = objectAt(site, c, cf);
    if (!isObject(choice.logprobs)) return { tokens: [] };
    const texts = arrayAt(site, choice.logprobs.tokens, `${cf}.logprobs.tokens`);
    const lps = choice.logprobs.token_logprobs;
    const tops = choice.logprobs.top_logprobs;
    const tokens: Token[] = texts.map((t, i) => {
      const token: Token = { text: stringAt(site, t, `${cf}.logprobs.tokens[${i}]`) };
      const lp = Array.isArray(lps) ? optNumberAt(site, lps[i], `${cf}.logprobs.token_logprobs[${i}]`) : undefined;
      if (lp !== undefined) token.logprob = lp;
      const top = Array.isArray(tops) ? alternatives(site, tops[i], `${cf}.logprobs.top_logprobs[${i}]`) : undefined;
      if (top && top.length > 0) token.top = top;
      return token;
    });
    const finish = choice.finish_reason;
    return typeof finish === "string" ? { tokens, finishReason: finish } : { tokens };
  }
  return undefined;
}
