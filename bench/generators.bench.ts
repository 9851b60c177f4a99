// Generator benchmarks: batched local steps vs sequential, step cost vs text length, HTTP fan-out vs sequential requests, the local engine's tokens/s against node-llama-cpp alone, and what reading logprobs costs per token as the vocabulary grows.
import type { GenerateRequest, Generator } from "../packages/core/src/index.js";
import { LocalGenerator, OpenAICompatibleGenerator } from "../packages/generators/src/index.js";
import { startReplayServer } from "../packages/testkit/src/index.js";
import { importLlama } from "../packages/generators/src/local/import-llama.js";
import { chooseToken } from "../packages/generators/src/local/token-readout.js";
import { probabilityOf, sampleToken } from "../packages/generators/src/local/token-sampler.js";
import { seededRandom } from "../packages/core/src/internal.js";
import { median, nowMs, writeResults, type BenchResult } from "./report.js";
import { existsSync, readFileSync } from "node:fs";

const modelPath = new URL("../../shared/models/stories260K.gguf", import.meta.url).pathname;
const STEPS = Number(process.env.BENCH_STEPS ?? 12);
const step = { n: 8, maxTokens: 6, temperature: 1, topP: 1, logprobs: 5 } as const;

const STORY = [
  "Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her red ball.",
  "One day, she saw a big dog under a tree. The dog was sad because it had lost its bone.",
  "Lily wanted to help the dog, so she looked everywhere. She looked under the bench and behind the slide.",
  "At last she found the bone near the pond. The dog wagged its tail and licked her hand. Lily smiled.",
  "They became best friends and played together every day. Lily's mom made them a picnic with apples and bread.",
  "After lunch, the sun was warm and the birds sang. Lily and the dog lay on the grass and looked at the clouds.",
].join(" ");

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = nowMs();
  const value = await fn();
  return [nowMs() - start, value];
}

/** Texts of exactly `count` tokens of the model's tokenizer, cut from a long story. */
async function textsOfTokens(counts: number[]): Promise<Map<number, string>> {
  const tokenizer = new LocalGenerator({ modelPath, contextSize: 512, parallel: 1 });
  let long = STORY;
  while ((await tokenizer.tokenize(long)).length < Math.max(...counts)) long += " " + STORY;
  const tokens = await tokenizer.tokenize(long);
  const out = new Map<number, string>();
  for (const c of counts) out.set(c, await tokenizer.detokenize(tokens.slice(0, c)));
  await tokenizer.close();
  return out;
}

/** Median step time over a Loom-like run: each step appends the first candidate to the text. */
async function loomRun(
  generator: Generator,
  text: string,
  steps: number,
  request: Omit<GenerateRequest, "prompt"> = step,
): Promise<number[]> {
  const times: number[] = [];
  await generator.generate({ ...request, prompt: text, seed: 999 }); // evaluates the starting text: not a step of the run
  for (let i = 0; i < steps; i++) {
    const [ms, result] = await timed(() => generator.generate({ ...request, prompt: text, seed: i }));
    times.push(ms);
    text += result.candidates[0]!.text;
  }
  return times;
}

async function localStepBatched(text: string): Promise<BenchResult> {
  const loom = new LocalGenerator({ modelPath, contextSize: 512, parallel: 8 });
  const batched = median(await loomRun(loom, text, STEPS));
  await loom.close();
  // Baseline: 8 single-candidate generations, each from a fresh evaluation of the prompt.
  const single = new LocalGenerator({ modelPath, contextSize: 512, parallel: 1, prefixReuse: false });
  await single.generate({ ...step, n: 1, prompt: text, seed: 0 });
  const sequential: number[] = [];
  let t = text;
  for (let i = 0; i < STEPS; i++) {
    const [ms] = await timed(async () => {
      for (let k = 0; k < 8; k++) await single.generate({ ...step, n: 1, prompt: t, seed: i * 8 + k });
    });
    sequential.push(ms);
    t += " and";
  }
  await single.close();
  const ratio = median(sequential) / batched;
  return {
    metric: "local-step-batched",
    value: batched,
    unit: "ms",
    params: { model: "stories260K", n: 8, maxTokens: 6, steps: STEPS, threads: "default" },
    baseline: median(sequential),
    ratio,
    target: "ratio ≥ 2",
    pass: ratio >= 2,
  };
}

async function contextGrowth(texts: Map<number, string>): Promise<BenchResult> {
  // The two lengths run side by side, step for step, so load from other processes hits both alike.
  const measure = async (prefixReuse: boolean) => {
    const runs = [50, 400].map((length) => ({
      length,
      generator: new LocalGenerator({ modelPath, contextSize: 512, prefixReuse }),
      text: texts.get(length)!,
      times: [] as number[],
    }));
    for (const r of runs) await r.generator.generate({ ...step, prompt: r.text, seed: 999 });
    for (let i = 0; i < STEPS; i++) {
      for (const r of runs) {
        const [ms, result] = await timed(() => r.generator.generate({ ...step, prompt: r.text, seed: i }));
        r.times.push(ms);
        r.text += result.candidates[0]!.text;
      }
    }
    for (const r of runs) await r.generator.close();
    return { 50: median(runs[0]!.times), 400: median(runs[1]!.times) };
  };
  const reuse = await measure(true);
  const fresh = await measure(false);
  const growth = reuse[400] / reuse[50];
  const baseline = fresh[400] / fresh[50];
  return {
    metric: "local-step-context-growth",
    value: growth,
    unit: "x",
    params: {
      n: 8,
      maxTokens: 6,
      steps: STEPS,
      ms50: reuse[50],
      ms400: reuse[400],
      noReuseMs50: fresh[50],
      noReuseMs400: fresh[400],
    },
    baseline,
    ratio: growth,
    target: "value ≤ 1.5",
    pass: growth <= 1.5,
  };
}

async function httpFanout(): Promise<BenchResult> {
  const server = await startReplayServer();
  const body = {
    id: "cmpl-bench",
    object: "text_completion",
    created: 0,
    model: "bench",
    choices: [
      {
        text: " there",
        index: 0,
        logprobs: { tokens: [" there"], token_logprobs: [-0.5], top_logprobs: [{ " there": -0.5 }] },
        finish_reason: "length",
      },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  };
  server.setFallback({ body, delayMs: 200 });
  const make = (maxConcurrency: number) =>
    new OpenAICompatibleGenerator({
      model: "bench",
      preset: "llamacpp",
      baseURL: `${server.url}/v1`,
      env: {},
      maxConcurrency,
    });
  const request = { ...step, prompt: "Once upon a time" };
  const fan = make(8);
  await fan.generate({ ...request, n: 1 }); // connection warm-up
  const one: number[] = [];
  const fanned: number[] = [];
  const sequential: number[] = [];
  const seq = make(1);
  for (let i = 0; i < 5; i++) {
    one.push((await timed(() => fan.generate({ ...request, n: 1 })))[0]);
    fanned.push((await timed(() => fan.generate(request)))[0]);
  }
  for (let i = 0; i < 2; i++) sequential.push((await timed(() => seq.generate(request)))[0]);
  await server.close();
  const value = median(fanned);
  const oneRequest = median(one);
  return {
    metric: "http-step-fanout",
    value,
    unit: "ms",
    params: {
      n: 8,
      serverLatencyMs: 200,
      nativeN: false,
      oneRequestMs: oneRequest,
      latencyMultiple: value / oneRequest,
    },
    baseline: median(sequential),
    ratio: median(sequential) / value,
    target: "value ≤ 1.3 × one request",
    pass: value <= 1.3 * oneRequest,
  };
}

/**
 * Tokens per second of a step as Loom runs it (8 candidates × 6 tokens, logprobs with top-5) against
 * node-llama-cpp alone generating the same 8 × 6 tokens from the same evaluated prompt with the same model,
 * context, threads and sampling, and no logprobs. Rounds alternate the two, so load from other processes
 * falls on both alike; the ratio is of the medians.
 */
async function localTokensPerSecond(text: string): Promise<BenchResult> {
  const threads = 1;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 12);
  const loomGen = new LocalGenerator({ modelPath, contextSize: 512, parallel: 8, threads });
  const request = { ...step, temperature: 1, topP: 1, prompt: text };
  await loomGen.generate({ ...request, seed: 999 });

  const { getLlama, LlamaLogLevel } = await importLlama();
  const llama = await getLlama({ gpu: false, build: "never", maxThreads: threads, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: 512, sequences: 8, threads, flashAttention: false });
  const sequences = Array.from({ length: 8 }, () => context.getSequence());
  const prompt = [model.tokens.bos!, ...model.tokenize(text)];
  const prefix = prompt.slice(0, -1);
  for (const s of sequences) await s.evaluateWithoutGeneratingNewTokens(prefix);
  const alone = async (seed: number) => {
    let made = 0;
    await Promise.all(
      sequences.map(async (s, k) => {
        let n = 0;
        for await (const token of s.evaluate([prompt.at(-1)!], {
          temperature: 1,
          topK: 0,
          topP: 1,
          minP: 0,
          seed: seed + k,
        })) {
          if (model.isEogToken(token)) break;
          made++;
          if (++n >= step.maxTokens) break;
        }
        await s.eraseContextTokenRanges([{ start: prefix.length, end: s.nextTokenIndex }]);
      }),
    );
    return made;
  };
  await alone(999);
  const loomRate: number[] = [];
  const aloneRate: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const [ms, result] = await timed(() => loomGen.generate({ ...request, seed: i }));
    loomRate.push((result.candidates.reduce((n, c) => n + (c.tokens?.length ?? 0), 0) / ms) * 1000);
    const [ms2, made] = await timed(() => alone(i));
    aloneRate.push((made / ms2) * 1000);
  }
  await loomGen.close();
  await context.dispose();
  await model.dispose();
  await llama.dispose();
  const value = median(loomRate);
  const baseline = median(aloneRate);
  return {
    metric: "local-tokens-per-second",
    value,
    unit: "tokens/s",
    params: { model: "stories260K", n: 8, maxTokens: 6, logprobs: 5, threads, rounds },
    baseline,
    ratio: value / baseline,
    target: "ratio ≥ 0.9",
    pass: value / baseline >= 0.9,
  };
}

/** A next-token distribution over `size` tokens, shaped like a language model's (a few likely tokens, a long tail). */
function simulatedLogits(size: number, random: () => number): Float64Array {
  const logits = new Float64Array(size);
  for (let i = 0; i < size; i++) logits[i] = -Math.log(1 + i) * 1.1 + random() * 2;
  return logits;
}

/** CPU microseconds per token of `work`, the median of several rounds of `tokens` tokens. */
function cpuPerToken(tokens: number, work: (i: number) => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < tokens; i++) work(i);
    const used = process.cpuUsage(start);
    rounds.push((used.user + used.system) / tokens);
  }
  return median(rounds);
}

/**
 * What reading logprobs costs JavaScript per token as the vocabulary grows: distributions of 512 (stories260K),
 * 32,768 (Llama 2, Mistral) and 131,072 (Llama 3's 128k) tokens. What llama.cpp hands the engine per token
 * is simulated as node-llama-cpp builds it (a Map of [token, value] pairs): the engine's path reads the head
 * of 64 logits plus the sampled token's and samples with chooseToken (temperature 0.85, top-p 0.92, top-5
 * alternatives); the path it replaced read every token's probability and sampled in JS. CPU time, not wall time.
 */
function vocabCost(): BenchResult {
  const random = seededRandom(5);
  const sizes = [512, 32_768, 131_072];
  const perSize: Record<string, { readout: number; fullDistribution: number }> = {};
  for (const size of sizes) {
    const logits = simulatedLogits(size, random);
    const order = [...logits.keys()].sort((a, b) => logits[b]! - logits[a]!);
    const max = logits[order[0]!]!;
    let totalWeight = 0;
    for (const l of logits) totalWeight += Math.exp(l - max);
    const headPairs = order.slice(0, 65).map((id) => [id, logits[id]!] as [number, number]);
    const fullPairs = order.map((id) => [id, Math.exp(logits[id]! - max) / totalWeight] as [number, number]);
    const sampling = { temperature: 0.85, topP: 0.92, alternatives: 5, vocabularySize: size, random };
    const readout = cpuPerToken(2000, (i) => {
      const map = new Map(headPairs);
      const head = [...map.entries()].slice(0, 64);
      const sampled = head[i % 8]![0];
      chooseToken({ head, sampled, sampledLogit: map.get(sampled)!, totalWeight }, sampling);
    });
    const fullDistribution = cpuPerToken(size > 10_000 ? 20 : 2000, () => {
      const map = new Map(fullPairs);
      const distribution = [...map.entries()];
      const token = sampleToken(distribution, 0.85, 0.92, random);
      Math.log(probabilityOf(distribution, token));
      distribution.slice(0, 5).map(([, p]) => Math.log(p));
    });
    perSize[String(size)] = { readout, fullDistribution };
  }
  const at512 = perSize["512"]!.readout;
  const at128k = perSize["131072"]!.readout;
  return {
    metric: "vocab-cost",
    value: at128k / at512,
    unit: "x",
    params: {
      microsecondsPerToken: perSize,
      head: 64,
      alternatives: 5,
      fullDistributionGrowth: perSize["131072"]!.fullDistribution / perSize["512"]!.fullDistribution,
    },
    baseline: at512,
    ratio: at128k / at512,
    target: "overhead at 128k ≤ 1.5 × at 512",
    pass: at128k / at512 <= 1.5,
  };
}

/** Earlier results kept when only some metrics run (BENCH_ONLY=metric,metric). */
function merged(results: BenchResult[]): BenchResult[] {
  const file = new URL("./results/generators.json", import.meta.url);
  if (!only || !existsSync(file)) return results;
  const earlier = JSON.parse(readFileSync(file, "utf8")) as BenchResult[];
  const fresh = new Map(results.map((r) => [r.metric, r]));
  const out = earlier.map((r) => fresh.get(r.metric) ?? r);
  for (const r of results) if (!earlier.some((e) => e.metric === r.metric)) out.push(r);
  return out;
}

const only = process.env.BENCH_ONLY?.split(",");
const wants = (metric: string) => !only || only.includes(metric);
const texts = await textsOfTokens([50, 120, 400]);
const results: BenchResult[] = [];
if (wants("local-step-batched")) results.push(await localStepBatched(texts.get(120)!));
if (wants("local-step-context-growth")) results.push(await contextGrowth(texts));
if (wants("http-step-fanout")) results.push(await httpFanout());
if (wants("local-tokens-per-second")) results.push(await localTokensPerSecond(texts.get(120)!));
if (wants("vocab-cost")) results.push(vocabCost());
writeResults("generators", merged(results));
