// The reading commands (show, stats, decisions, tree) load neither zod nor a provider SDK, and a session on the local engine loads no hosted provider's SDK: the module list of the built binary, recorded by a loader hook, against the list of a command that must load zod.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createSession } from "@loom/io";
import { realisticLoom } from "@loom/testkit";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI_DIR, ensureBuilt, loom, scratch } from "./helpers.js";

/*
 * Why: the CLI's build rewrites `import { x } from "@loom/core"` to the file that defines `x` with a regular
 * expression, and leaves an import it cannot map as it was, silently: one such import puts zod (and every
 * schema) back on the path of `loom show`, which costs as much as starting Node. Nothing else would notice.
 */

const HOOK = pathToFileURL(join(CLI_DIR, "test/fixtures/record-imports.mjs")).href;
/** Packages a reading command must not load: the schema library and every provider's SDK or engine. */
const HEAVY =
  /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(zod|openai|together-ai|@anthropic-ai\/sdk|node-llama-cpp)\//;

let dir: string;
let session: string;

/** Every module URL the built binary resolved while running `args`. */
async function modulesOf(args: string[], name: string): Promise<string[]> {
  const log = join(dir, `${name}.log`);
  const r = await loom([args[0]!, session, ...args.slice(1)], {
    dir,
    env: { NODE_OPTIONS: `--import ${HOOK}`, LOOM_TEST_IMPORTS_LOG: log },
  });
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(log, "utf8").trim().split("\n");
}

const heavy = (modules: string[]) => [...new Set(modules.flatMap((m) => HEAVY.exec(m)?.[1] ?? []))];

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "story");
  await (await createSession(session, realisticLoom({ decisions: 30, branching: 3 }))).close();
}, 120_000);

describe("reading commands load no zod and no SDK", () => {
  it("the hook sees zod where a command needs it (a whole read)", async () => {
    const modules = await modulesOf(["decisions", "--last", "3", "--scores"], "scores");
    expect(heavy(modules)).toContain("zod");
  }, 120_000);

  for (const args of [["show"], ["show", "--json"], ["stats"], ["decisions", "--last", "20"], ["tree"]]) {
    it(`loom ${args.join(" ")}`, async () => {
      const modules = await modulesOf(args, args.join("-"));
      // The command's own chunk was loaded (the log is of this run), and nothing heavy with it.
      expect(modules.some((m) => m.endsWith("/dist/bin.js"))).toBe(true);
      expect(heavy(modules)).toEqual([]);
    }, 120_000);
  }
});

describe("a session on the local engine loads no hosted provider's SDK", () => {
  it("loom demo loads the local engine, and not openai, together-ai or @anthropic-ai/sdk", async () => {
    const log = join(dir, "demo.log");
    const r = await loom(["demo", "--steps", "1", "--json"], {
      dir,
      env: { NODE_OPTIONS: `--import ${HOOK}`, LOOM_TEST_IMPORTS_LOG: log },
    });
    expect(r.code, r.stderr).toBe(0);
    const loaded = heavy(readFileSync(log, "utf8").trim().split("\n"));
    expect(loaded).toContain("node-llama-cpp");
    expect(loaded.filter((p) => p !== "zod" && p !== "node-llama-cpp")).toEqual([]);
  }, 120_000);
});
