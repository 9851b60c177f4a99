// A deterministic generator for tests: candidates and logprobs from a script, or made up from a seed.
import { refuseUnsupportedSampling } from "../sampling-controls.js";
import {
  GENERATOR_SPECIFICATION_VERSION,
  type FinishReason,
  type GenerateRequest,
  type GenerateResult,
  type GenerateStreamEvent,
  type GeneratedCandidate,
  type Generator,
  type GeneratorCapabilities,
  type Token,
} from "@loom/core";
import { seededRandom, hashString } from "@loom/core/internal";
import { abortableSleep, throwIfAborted } from "../abort.js";
import { GeneratorError } from "../errors.js";
import { promptOf } from "../prompt-builder.js";
import { stepMeta } from "../step-meta.js";
import { cutTokens } from "../token-cut.js";

/** One scripted candidate: its text, and optionally its tokens and their logprobs. */
export interface ScriptedCandidate {
  text: string;
  /** How the text splits into tokens (must join to `text`); default: words with their leading space. */
  tokens?: string[];
  /** One logprob per token; default: made up from the seed. Pass `null` for a candidate without logprobs. */
  logprobs?: number[] | null;
  finishReason?: FinishReason;
}

/** One step of a script: the candidates to return (at most `n` are used), or an error to throw. */
export type ScriptStep =
  | { candidates: (string | ScriptedCandidate)[] }
  | { error: Error }
  | (string | ScriptedCandidate)[];

export interface ScriptedGeneratorOptions {
  /** Seed for made-up text and logprobs (default 0). A request's own `seed` takes precedence. */
  seed?: number;
  /** Steps returned in order, one per `generate` call; or a function of the request and call index. */
  script?: ScriptStep[] | ((request: GenerateRequest, call: number) => ScriptStep);
  /** When a script array runs out: throw (default), start over, or fall back to seeded text. */
  whenExhausted?: "error" | "cycle" | "seeded";
  /** Words seeded candidates are made of. */
  vocabulary?: string[];
  /** Simulated latency per step, cut short by the request's signal. */
  delayMs?: number;
  /** Simulated latency between streamed tokens. */
  tokenDelayMs?: number;
  model?: string;
  capabilities?: Partial<GeneratorCapabilities>;
}

const DEFAULT_VOCABULARY = [
  "the",
  "fox",
  "river",
  "lantern",
  "quiet",
  "ran",
  "under",
  "a",
  "moon",
  "and",
  "slowly",
  "bright",
  "she",
  "said",
  "door",
  "opened",
  "into",
  "morning",
  "cold",
  "stone",
  "light",
  "wind",
  "over",
  "hill",
];

const normalise = (step: ScriptStep): { candidates: (string | ScriptedCandidate)[] } | { error: Error } =>
  Array.isArray(step) ? { candidates: step } : step;

const splitWords = (text: string): string[] => text.match(/\s*\S+|\s+$/g) ?? (text ? [text] : []);

/** Code units above ASCII that `\s` matches (the rest of ECMAScript WhiteSpace and LineTerminator). */
const isWideSpace = (c: number): boolean =>
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

/**
 * Counts what `splitWords(text).length` would, without building the array, remembering the last text:
 * a prompt is the whole text so far, usually the previous prompt plus the chosen candidate, so it is
 * counted on from where that one ended instead of from the start, so a step costs O(new text), not
 * O(length of the piece), and makes no garbage (measurements: bench/MEASUREMENTS.md).
 */
class WordCounter {
  private text = "";
  /** Runs of non-space in `text`, and whether it ends inside one. */
  private runs = 0;
  private inWord = false;

  count(text: string): number {
    let runs = 0;
    let inWord = false;
    let from = 0;
    if (this.text.length > 0 && text.startsWith(this.text)) {
      runs = this.runs;
      inWord = this.inWord;
      from = this.text.length;
    }
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const space = c < 0x7f ? c === 0x20 || (c >= 0x09 && c <= 0x0d) : c >= 0xa0 && isWideSpace(c);
      if (!space && !inWord) runs++;
      inWord = !space;
    }
    this.text = text;
    this.runs = runs;
    this.inWord = inWord;
    // Trailing whitespace is a piece of its own.
    return text.length > 0 && !inWord ? runs + 1 : runs;
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * A `Generator` whose output is fully determined by its options and the calls made to it.
 *
 * Scripted mode returns each script step's candidates as given (a step may hold fewer than `n`,
 * which is what a test of a short step wants); seeded mode makes up `n` candidates of
 * `maxTokens` words. With a request `seed`, the same prompt and seed give the same candidates,
 * like a real engine; without one, each call draws from the generator's own seed and call count.
 * Every `generate` call is recorded in `calls`.
 */
export class ScriptedGenerator implements Generator {
  readonly specificationVersion = GENERATOR_SPECIFICATION_VERSION;
  readonly provider = "scripted";
  readonly model: string;
  readonly capabilities: GeneratorCapabilities;
  readonly calls: GenerateRequest[] = [];
  private readonly options: ScriptedGeneratorOptions;
  /** The vocabulary as token texts (with their leading space), built once rather than per token. */
  private readonly spaced: string[];
  private readonly promptWords = new WordCounter();

  constructor(options: ScriptedGeneratorOptions = {}) {
    this.options = options;
    this.spaced = (options.vocabulary ?? DEFAULT_VOCABULARY).map((w) => ` ${w}`);
    this.model = options.model ?? "scripted";
    // It samples nothing; it takes every control so tests can see what reached the request (see `calls`).
    this.capabilities = {
      logprobs: true,
      nativeN: true,
      streaming: true,
      seed: true,
      samplingControls: ["topK", "minP", "logitBias", "extraBody"],
      ...options.capabilities,
    };
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    refuseUnsupportedSampling(this, request);
    throwIfAborted(request.signal);
    const call = this.calls.length;
    this.calls.push(request);
    if (this.options.delayMs) await abortableSleep(this.options.delayMs, request.signal);
    return this.produce(request, call);
  }

  async *stream(request: GenerateRequest): AsyncIterable<GenerateStreamEvent> {
    refuseUnsupportedSampling(this, request);
    throwIfAborted(request.signal);
    const call = this.calls.length;
    this.calls.push(request);
    if (this.options.delayMs) await abortableSleep(this.options.delayMs, request.signal);
    const result = this.produce(request, call);
    const pieces = result.candidates.map((c) => (c.tokens ? c.tokens.map((t) => t.text) : [c.text]));
    const longest = Math.max(0, ...pieces.map((p) => p.length));
    for (let k = 0; k < longest; k++) {
      for (let index = 0; index < pieces.length; index++) {
        const text = pieces[index]![k];
        if (text !== undefined) yield { type: "delta", index, text };
      }
      if (this.options.tokenDelayMs) await abortableSleep(this.options.tokenDelayMs, request.signal);
      throwIfAborted(request.signal);
    }
    yield { type: "done", result };
  }

  private produce(request: GenerateRequest, call: number): GenerateResult {
    const prompt = promptOf(request);
    const seed = request.seed ?? (this.options.seed ?? 0) + call * 7919;
    const random = seededRandom(hashString(prompt, seed));
    const step = this.stepFor(request, call);
    let candidates: GeneratedCandidate[];
    if (step === null) {
      candidates = Array.from({ length: request.n }, () => this.seededCandidate(request, random));
    } else if ("error" in step) {
      throw step.error;
    } else {
      candidates = step.candidates.slice(0, request.n).map((c) => this.scriptedCandidate(c, request, random));
    }
    const completionTokens = candidates.reduce((sum, c) => sum + (c.tokens?.length ?? splitWords(c.text).length), 0);
    return {
      candidates,
      usage: { promptTokens: this.promptWords.count(prompt), completionTokens, requests: 1 },
      meta: stepMeta({ provider: this.provider, model: this.model, request, prompt, extra: { call } }),
    };
  }

  private stepFor(
    request: GenerateRequest,
    call: number,
  ): { candidates: (string | ScriptedCandidate)[] } | { error: Error } | null {
    const script = this.options.script;
    if (script === undefined) return null;
    if (typeof script === "function") return normalise(script(request, call));
    if (call < script.length) return normalise(script[call]!);
    const mode = this.options.whenExhausted ?? "error";
    if (mode === "seeded") return null;
    if (mode === "cycle" && script.length > 0) return normalise(script[call % script.length]!);
    throw new GeneratorError(
      "script_exhausted",
      `scripted generator: the script has ${script.length} step(s) and call ${call + 1} asked for another; add steps or set whenExhausted`,
    );
  }

  private seededCandidate(request: GenerateRequest, random: () => number): GeneratedCandidate {
    const spaced = this.spaced;
    const tokens: Token[] = [];
    for (let i = 0; i < request.maxTokens; i++) {
      const id = Math.floor(random() * spaced.length);
      tokens.push(this.seededToken(spaced[id]!, id, request, random));
    }
    return this.finish(tokens, "length", request);
  }

  private scriptedCandidate(
    input: string | ScriptedCandidate,
    request: GenerateRequest,
    random: () => number,
  ): GeneratedCandidate {
    const c: ScriptedCandidate = typeof input === "string" ? { text: input } : input;
    const pieces = c.tokens ?? splitWords(c.text);
    if (pieces.join("") !== c.text) {
      throw new GeneratorError(
        "invalid_request",
        `scripted generator: the tokens of candidate "${c.text}" do not join to its text`,
      );
    }
    if (c.logprobs && c.logprobs.length !== pieces.length) {
      throw new GeneratorError(
        "invalid_request",
        `scripted generator: candidate "${c.text}" has ${pieces.length} tokens but ${c.logprobs.length} logprobs`,
      );
    }
    const tokens: Token[] = pieces.map((text, i) => {
      if (c.logprobs === null) return { text };
      const given = c.logprobs?.[i];
      const made = this.seededToken(text, undefined, request, random);
      return given === undefined
        ? made
        : { ...made, logprob: given, ...(made.top ? { top: topWith(text, given, made.top) } : {}) };
    });
    return this.finish(tokens, c.finishReason ?? "stop", request, c.logprobs === null);
  }

  /**
   * A token with made-up logprobs (when the capabilities offer them) and top alternatives. Built in place
   * rather than spread together: this runs for every token of every candidate.
   */
  private seededToken(text: string, id: number | undefined, request: GenerateRequest, random: () => number): Token {
    const token: Token = id === undefined ? { text } : { text, id };
    if (!this.capabilities.logprobs) return token;
    const logprob = -round3(0.05 + random() * 3);
    token.logprob = logprob;
    const k = request.logprobs ?? 0;
    if (k > 0) token.top = this.seededTop(text, logprob, k, random);
    return token;
  }

  /** The chosen token and k - 1 made-up alternatives, most likely first (see topWith). */
  private seededTop(
    text: string,
    logprob: number,
    k: number,
    random: () => number,
  ): { text: string; logprob: number }[] {
    const spaced = this.spaced;
    const top = [{ text, logprob }];
    for (let i = 0; i < k - 1; i++) {
      const other = spaced[(Math.floor(random() * spaced.length) + i) % spaced.length]!;
      const lp = -round3(0.05 + random() * 6);
      if (other !== text) insertSorted(top, { text: other, logprob: lp });
    }
    return top;
  }

  private finish(
    tokens: Token[],
    reason: FinishReason,
    request: GenerateRequest,
    noLogprobs = false,
  ): GeneratedCandidate {
    let text = tokens.map((t) => t.text).join("");
    let finishReason = reason;
    for (const stop of request.stop ?? []) {
      const at = stop ? text.indexOf(stop) : -1;
      if (at >= 0) {
        text = text.slice(0, at);
        finishReason = "stop";
        tokens = cutTokens(tokens, at);
      }
    }
    const withLogprobs = this.capabilities.logprobs && !noLogprobs && tokens.length > 0;
    const stepLogprob = withLogprobs ? tokens.reduce((s, t) => s + (t.logprob ?? 0), 0) : null;
    return { text, tokens: withLogprobs ? tokens : null, stepLogprob, finishReason };
  }
}

/** The top list for a chosen token: it plus the others, without duplicates, sorted most likely first. */
function topWith(text: string, logprob: number, others: { text: string; logprob: number }[]) {
  const list = [{ text, logprob }];
  for (const o of others) if (o.text !== text) insertSorted(list, o);
  return list;
}

/**
 * Insert into a list sorted most likely first, after any equal logprob: the order a stable sort of the
 * list in arrival order gives, without a sort and a comparator call per pair on every token.
 */
function insertSorted(list: { text: string; logprob: number }[], entry: { text: string; logprob: number }): void {
  // Shifted by hand: splice allocates an array of the removed elements on every call.
  let at = list.length;
  list.push(entry);
  while (at > 0 && list[at - 1]!.logprob < entry.logprob) {
    list[at] = list[at - 1]!;
    at--;
  }
  list[at] = entry;
}
