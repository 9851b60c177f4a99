// PyLoom's stored model responses → Loom tokens: its "formatted" responses (completions[].tokens[] with
// generatedToken and counterfactuals, as loom's gpt.py writes them) and older raw OpenAI ones (choices[].logprobs).
import type { Token, TopLogprob } from "@loom/core";
import { type CheckSite, type Json, arrayAt, isObject, objectAt, optNumberAt, stringAt } from "./foreign-check.js";

/** `{token: logprob}` (PyLoom's counterfactuals, OpenAI's top_logprobs) as alternatives, most likely first. */
function alternatives(site: CheckSite, v: unknown, field: string): TopLogprob[] | undefined {
  if (v === undefined || v === null) return undefined;
  const o = objectAt(site, v, field, "an object of token → logprob");
  const top: TopLogprob[] = [];
  for (const text in o) {
    const lp = o[text];
    if (typeof lp === "number" && Number.isFinite(lp)) top.push({ text, logprob: lp });
    else if (lp !== null) optNumberAt(site, lp, `${field}[${JSON.stringify(text)}]`, "a logprob");
  }
  top.sort((a, b) => b.logprob - a.logprob);
  return top;
}

export interface PyloomCompletion {
  tokens: Token[];
  /** The completion's other fields (finishReason…), for the node's provenance. */
  finishReason?: string;
}

/** Completion `index` of the stored `response` (field: where it is in the file), or undefined when it has none. */
export function pyloomCompletion(
  site: CheckSite,
  response: Json,
  index: number,
  field: string,
): PyloomCompletion | undefined {
  if (response.completions !== undefined) {
    const completions = arrayAt(site, response.completions, `${field}.completions`);
    const c = completions[index];
    if (c === undefined) return undefined;
    const cf = `${field}.completions[${index}]`;
    const completion = objectAt(site, c, cf);
    const tokens: Token[] = [];
    const list = completion.tokens === undefined ? [] : arrayAt(site, completion.tokens, `${cf}.tokens`);
    for (let i = 0; i < list.length; i++) {
      const tf = `${cf}.tokens[${i}]`;
      const t = objectAt(site, list[i], tf);
      const g = objectAt(site, t.generatedToken, `${tf}.generatedToken`, "an object {token, logprob}");
      const token: Token = { text: stringAt(site, g.token, `${tf}.generatedToken.token`) };
      const lp = optNumberAt(site, g.logprob, `${tf}.generatedToken.logprob`, "a logprob");
      if (lp !== undefined) token.logprob = lp;
      const top = alternatives(site, t.counterfactuals, `${tf}.counterfactuals`);
      if (top && top.length > 0) token.top = top;
      tokens.push(token);
    }
    const finish = completion.finishReason;
    return typeof finish === "string" ? { tokens, finishReason: finish } : { tokens };
  }
  if (response.choices !== undefined) {
    const choices = arrayAt(site, response.choices, `${field}.choices`);
    const c = choices[index];
    if (c === undefined) return undefined;
    const cf = `${field}.choices[${index}]`;
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
