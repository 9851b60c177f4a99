// The import-pyloom benchmark: importing a 100,000-node PyLoom-style file against JSON.parse of the same text, in one run.
// The file's shape is PyLoom's (socketteer/loom model.py: nested nodes with meta and generation {id, index}, each
// generation's formatted response with 6 tokens and counterfactuals at its default logprobs 1, num_continuations 4),
// as packages/io/scripts/write-import-fixtures.mjs writes the 600-node fixture.
import { seededRandom } from "@loom/core/internal";
import { importText } from "@loom/io";
import { median, nowMs, type BenchResult } from "./report.js";

const WORDS = "the harbor keeper lamp salt wind tide rope gull stone night water boat light bell fog".split(" ");

/** PyLoom-style tree text of `count` nodes (JSON.stringify would recurse; the nesting is written by hand). */
export function pyloomText(count: number, seed = 19): string {
  const rand = seededRandom(seed);
  const hex = () =>
    Math.floor(rand() * 0xffffffff)
      .toString(16)
      .padStart(8, "0");
  const kids: number[][] = [[]];
  const ids = ["root"];
  const texts = ["The ledger of the harbor began in the cold year."];
  const gen: [string, number][] = [["", 0]];
  const responses: string[] = [];
  let made = 1;
  let g = 0;
  while (made < count) {
    const parent = Math.floor(rand() * made);
    const rid = `cmpl-${++g}`;
    const completions: string[] = [];
    for (let i = 0; i < 4 && made < count; i++) {
      let text = "";
      const tokens: string[] = [];
      for (let k = 0; k < 6; k++) {
        const t = ` ${WORDS[Math.floor(rand() * WORDS.length)]}`;
        const lp = -Math.round(rand() * 500) / 100;
        tokens.push(
          `{"generatedToken":{"token":${JSON.stringify(t)},"logprob":${lp}},"position":{"start":${text.length},"end":${text.length + t.length}},"counterfactuals":{${JSON.stringify(t)}:${lp}}}`,
        );
        text += t;
      }
      completions.push(`{"text":${JSON.stringify(text)},"finishReason":"length","tokens":[${tokens.join(",")}]}`);
      kids[parent]!.push(made);
      kids.push([]);
      ids.push(`${hex()}-${hex().slice(0, 4)}-11ec-9ac4-${hex()}${hex().slice(0, 4)}`);
      texts.push(text);
      gen.push([rid, i]);
      made++;
    }
    responses.push(
      `${JSON.stringify(rid)}:{"id":${JSON.stringify(rid)},"model":"davinci-002","timestamp":"2023-03-01-09.00.00","prompt":{"text":"…","tokens":[]},"completions":[${completions.join(",")}]}`,
    );
  }
  const parts: string[] = [];
  const write = (n: number, parent: number | null) => {
    const [rid, index] = gen[n]!;
    parts.push(
      `{"id":${JSON.stringify(ids[n])},"text":${JSON.stringify(texts[n])},${parent === null ? "" : `"parent_id":${JSON.stringify(ids[parent])},`}"open":false,"visited":true,"meta":{"creation_timestamp":"2023-03-01-09.00.00","source":"${parent === null ? "prompt" : "AI"}","modified":false},${rid ? `"generation":{"id":"${rid}","index":${index}},` : ""}"children":[`,
    );
  };
  // Iterative depth-first writing: [node, parent, next child index].
  const stack: [number, number | null, number][] = [[0, null, 0]];
  write(0, null);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const children = kids[top[0]]!;
    if (top[2] < children.length) {
      if (top[2] > 0) parts.push(",");
      const c = children[top[2]++]!;
      write(c, top[0]);
      stack.push([c, top[0], 0]);
    } else {
      parts.push("]}");
      stack.pop();
    }
  }
  return `{"root":${parts.join("")},"chapters":{},"selected_node_id":${JSON.stringify(ids[count - 1])},"model_responses":{${responses.join(",")}}}`;
}

/** Median wall and CPU time of `run` over `times` runs (a collection before each, so one run's garbage is not the next's). */
function timed(times: number, run: () => void): { wall: number; cpu: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < times; i++) {
    globalThis.gc?.();
    const c0 = process.cpuUsage();
    const t0 = nowMs();
    run();
    walls.push(nowMs() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

export function runImportPyloom(nodes = 100_000): BenchResult[] {
  const text = pyloomText(nodes);
  let imported = 0;
  const parse = timed(3, () => {
    JSON.parse(text);
  });
  const load = timed(3, () => {
    imported = Object.keys(importText(text, "bench.json")[0]!.loom.nodes).length;
  });
  if (imported !== nodes) throw new Error(`imported ${imported} nodes of ${nodes}`);
  const ratio = load.wall / parse.wall;
  console.log(
    `import-pyloom: ${nodes} nodes, ${(text.length / 1e6).toFixed(1)} MB; JSON.parse ${parse.wall.toFixed(0)} ms (${parse.cpu.toFixed(0)} CPU-ms), import ${load.wall.toFixed(0)} ms (${load.cpu.toFixed(0)} CPU-ms)`,
  );
  return [
    {
      metric: "import-pyloom",
      value: load.wall,
      unit: "ms",
      params: { nodes, bytes: text.length, cpuMs: Math.round(load.cpu), parseCpuMs: Math.round(parse.cpu) },
      baseline: parse.wall,
      ratio,
      target: "≤ 2× JSON.parse of the same file",
      pass: ratio <= 2,
    },
  ];
}
