// The keyboard loop in a real terminal: tmux runs `loom run`, keys choose, reroll, write, go back, show rejected, stop.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { readSession } from "@loom/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, MODEL, baseEnv, ensureBuilt, loom, scratch } from "./helpers.js";

const socket = `loom-cli-test-${process.pid}`;
const name = "loom";
const tmux = (...args: string[]) => execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-t", name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(test: (s: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = screen();
    if (test(last)) return last;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
}

/** The screen of a step is drawn once generation is done and the prompt waits for a key. */
const atStep = (n: number) => (s: string) => s.includes(`── step ${n} ·`) && /^> *$/m.test(s);
const candidateRows = (s: string) => s.split("\n").filter((l) => /^ {0,1}\d+ {2}/.test(l)).length;

let dir: string;
let session: string;

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "story");
  const created = await loom(
    [
      "new",
      "--seed",
      "Once upon a time",
      "--dir",
      session,
      "--branching",
      "3",
      "--segment-tokens",
      "4",
      "--sample-seed",
      "7",
    ],
    { dir, env: { LOOM_MODEL: MODEL } },
  );
  expect(created.code, created.stderr).toBe(0);
});

afterAll(() => {
  try {
    tmux("kill-server");
  } catch {
    // already gone
  }
});

describe("loom run at the keyboard (tmux)", () => {
  it("chooses three candidates, rerolls, writes, goes back, shows rejected, stops; the session holds it all", async () => {
    const env = { ...baseEnv(dir), LOOM_MODEL: MODEL, TERM: "xterm-256color" };
    const envArgs = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    tmux(
      "new-session",
      "-d",
      "-s",
      name,
      "-x",
      "110",
      "-y",
      "45",
      ...envArgs,
      `${process.execPath} ${BIN} run ${session}; echo "EXIT=$?"; sleep 600`,
    );

    let s = await waitFor(atStep(1), "the first step");
    expect(s).toContain("Once upon a time");
    expect(candidateRows(s)).toBe(3);
    expect(s).toContain("model's favourite");
    expect(s).toMatch(/-\d+\.\d\d/);

    // Three choices: the first, second and third candidate.
    const chosen: string[] = [];
    for (const [i, key] of ["1", "2", "3"].entries()) {
      const row = s.split("\n").find((l) => l.startsWith(` ${key}  `))!;
      chosen.push(/“(.*)”/.exec(row)![1]!);
      tmux("send-keys", "-t", name, key);
      s = await waitFor(atStep(i + 2), `step ${i + 2}`);
    }

    // Reroll: more candidates for the same decision.
    tmux("send-keys", "-t", name, "r");
    s = await waitFor((x) => atStep(4)(x) && candidateRows(x) === 6, "six candidates after the reroll");

    // Write our own continuation.
    tmux("send-keys", "-t", name, "w");
    await waitFor((x) => x.includes("your continuation"), "the write prompt");
    tmux("send-keys", "-t", name, "-l", " and a dragon");
    tmux("send-keys", "-t", name, "Enter");
    s = await waitFor(atStep(5), "step 5 after writing");
    expect(s).toContain("and a dragon");

    // Back: what was offered at the parent (our text among it), nothing generated; r asks for a new batch there.
    tmux("send-keys", "-t", name, "b");
    s = await waitFor((x) => x.includes("back at step 4") && x.includes("and a dragon"), "the back screen");
    tmux("send-keys", "-t", name, "r");
    s = await waitFor((x) => atStep(4)(x) && !x.includes("and a dragon"), "step 4 after going back");

    // What was rejected here: the six rerolled candidates and nothing of ours.
    tmux("send-keys", "-t", name, "?");
    s = await waitFor((x) => x.includes("rejected here (6)"), "the rejected list");

    tmux("send-keys", "-t", name, "s");
    s = await waitFor((x) => x.includes("EXIT="), "the process to end");
    expect(s).toContain("EXIT=0");
    expect(s).toMatch(/stopped at step 4 .*after 5 decisions this run/);

    const { loom: saved } = await readSession(session);
    const texts = saved.currentPath.map((id) => saved.nodes[id]!.text);
    expect(saved.currentPath).toHaveLength(4);
    // The screen shows segments JSON-escaped; compare the same way.
    expect(texts.slice(1).map((t) => JSON.stringify(t).slice(1, -1))).toEqual(chosen);
    const decisions = Object.values(saved.decisions);
    const human = decisions.filter((d) => d.action === "choose" && d.chosenBy === "human");
    expect(human).toHaveLength(4); // three choices and the written continuation
    const rerolled = decisions.find((d) => d.candidateNodeIds.length === 7)!; // 3 + 3 rerolled + the written one
    expect(saved.nodes[rerolled.chosenNodeId!]!.text).toBe(" and a dragon");
    expect(saved.nodes[rerolled.chosenNodeId!]!.origin).toBe("human");
    const stop = decisions.find((d) => d.action === "stop")!;
    expect(stop.parentNodeId).toBe(saved.currentPath[3]);
    expect(s).toContain(texts.join(""));
  });
});
