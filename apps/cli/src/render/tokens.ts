// Tokens for the terminal: coloured by probability (or bracketed with their logprob without colour), the model's favourite marked where the text left it.
import { leftArgmax, type PathSegment, type Token, type TokenDivergence } from "@loom/core";
import type { Colors } from "../cli/colors.js";

const fixed = (logprob: number) => logprob.toFixed(2);
const percent = (logprob: number) => {
  const p = Math.exp(logprob) * 100;
  return p >= 10 ? `${Math.round(p)}%` : `${p.toPrecision(2)}%`;
};

/** One token in running text: green when likely (≥ 50%), yellow, red when unlikely (< 10%); inverse where it left the favourite. */
function inline(token: Token, c: Colors): string {
  const left = leftArgmax(token);
  if (!c.enabled) {
    if (token.logprob === undefined) return `[${token.text}]`;
    return `[${token.text}|${fixed(token.logprob)}${left ? "*" : ""}]`;
  }
  if (token.logprob === undefined) return token.text;
  const p = Math.exp(token.logprob);
  const coloured = p >= 0.5 ? c.green(token.text) : p >= 0.1 ? c.yellow(token.text) : c.red(token.text);
  return left ? c.inverse(coloured) : coloured;
}

/** A path's text with each known token marked; text without tokens (the seed, written text) as it is. */
export function renderPathTokens(segments: readonly PathSegment[], c: Colors): string {
  const text = segments.map((s) => (s.tokens ? s.tokens.map((t) => inline(t, c)).join("") : s.text)).join("");
  const key = c.enabled
    ? `${c.green("≥ 50%")} ${c.yellow("10–50%")} ${c.red("< 10%")} ${c.inverse("not the model's favourite")}`
    : "[token|logprob], * where it was not the model's favourite";
  return `${text}\n\n${c.dim(key)}`;
}

/** One token per line with its logprob, probability and the alternatives numbered as `loom branch --alt` takes them. */
export function renderTokenList(nodeId: string, tokens: readonly Token[], c: Colors): string {
  if (tokens.length === 0) return `node ${nodeId} has no tokens (its generator gave none, or it was written or edited)`;
  const width = Math.max(...tokens.map((t) => JSON.stringify(t.text).length));
  const lines = tokens.map((t, k) => {
    const mark = leftArgmax(t) ? c.yellow("*") : " ";
    const lp =
      t.logprob === undefined ? "      —" : `${fixed(t.logprob).padStart(7)} ${percent(t.logprob).padStart(5)}`;
    const alts = (t.top ?? []).map((a, j) => `${c.dim(`${j}`)} ${JSON.stringify(a.text)} ${fixed(a.logprob)}`);
    return `${String(k).padStart(3)} ${JSON.stringify(t.text).padEnd(width)} ${mark}${lp}   ${alts.join("  ")}`;
  });
  return [
    c.bold(`node ${nodeId}: ${tokens.length} tokens`) + c.dim("  (k, token, logprob, probability, alternatives j)"),
    ...lines,
    c.dim(`* not the model's favourite · branch: loom branch ${nodeId} --at K --alt J  (or --text T)`),
  ].join("\n");
}

/** Token divergences, one per line, in path order. */
export function renderTokenDivergences(rows: readonly TokenDivergence[], below: number, c: Colors): string {
  if (rows.length === 0) return `no token below ${below * 100}% that left the model's favourite on this path`;
  return rows
    .map(
      (d) =>
        `${d.nodeId} --at ${d.tokenIndex}  ${c.red(JSON.stringify(d.text))} ${percent(d.logprob)}` +
        `  (favourite ${JSON.stringify(d.argmax.text)} ${percent(d.argmax.logprob)}; at character ${d.offset})`,
    )
    .join("\n");
}
