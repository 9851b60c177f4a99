// Generator benchmarks: batched local steps vs sequential, step cost vs text length, and HTTP fan-out vs sequential requests.
import type { GenerateRequest, Generator } from "../packages/core/src/index.js";
import { LocalGenerator, OpenAICompatibleGenerator } from "../packages/generators/src/index.js";
import { startReplayServer } from "../packages/testkit/src/index.js";
import { median, nowMs, writeResults, type BenchResult } from "./report.js";

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

const texts = await textsOfTokens([50, 120, 400]);
const results = [await localStepBatched(texts.get(120)!), await contextGrowth(texts), await httpFanout()];
writeResults("generators", results);
