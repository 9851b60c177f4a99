// Creates a session directory from a seed, a brief and flags (shared by `loom new` and `loom demo`).
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createLoom, defaultSessionConfig, type Brief, type Loom } from "@loom/core";
import { createSession, loadBrief } from "@loom/io";
import { FailureError, UsageError } from "../cli/exit-error.js";
import { resolveLocalModel } from "../model/model-locations.js";
import { applyConfigFlags } from "./config-flags.js";
import { sessionsRoot } from "./session-dir.js";
import { dirFlag } from "./dir-flag.js";
import { checkGenerator } from "./generator-check.js";
import { loadUserPresets } from "./user-presets.js";

export interface NewSessionInput {
  seed?: string | undefined;
  seedFile?: string | undefined;
  briefFile?: string | undefined;
  dir?: string | undefined;
  flags: Parameters<typeof applyConfigFlags>[1];
  /** Save `durable: true` in the session's config: every run fsyncs every decision. */
  durable?: boolean | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

async function readSeed(input: NewSessionInput): Promise<string> {
  if (input.seed !== undefined && input.seedFile !== undefined)
    throw new UsageError("give --seed or --seed-file, not both");
  if (input.seed !== undefined) return input.seed;
  if (input.seedFile === undefined) {
    throw new UsageError(
      "a session needs a seed: --seed TEXT or --seed-file FILE",
      'e.g. loom new --seed "Once upon a time"',
    );
  }
  const path = resolve(input.cwd, input.seedFile);
  if (!existsSync(path)) throw new FailureError(`--seed-file: no such file ${path}`);
  if (statSync(path).isDirectory()) throw new FailureError(`--seed-file: ${path} is a directory, expected a text file`);
  return readFile(path, "utf8");
}

async function readBrief(input: NewSessionInput): Promise<Brief | undefined> {
  if (input.briefFile === undefined) return undefined;
  const path = resolve(input.cwd, input.briefFile);
  if (!existsSync(path))
    throw new FailureError(`--brief: no such file ${path}`, "give a .toml brief or a Markdown/text file");
  if (statSync(path).isDirectory())
    throw new FailureError(`--brief: ${path} is a directory, expected a .toml or .md file`);
  return loadBrief(path);
}

export async function newSession(input: NewSessionInput): Promise<{ dir: string; loom: Loom }> {
  const seed = await readSeed(input);
  const brief = await readBrief(input);
  const user = input.flags.preset ? await loadUserPresets(input.env) : {};
  const config = applyConfigFlags(defaultSessionConfig(), input.flags, { user });
  if (input.durable) config.durable = true;
  checkGenerator(config.generator);
  if (config.generator.provider === "local") {
    // Resolve now, so a missing model is reported before anything is written, and store the absolute path.
    const choice = resolveLocalModel({ flag: config.generator.model || undefined, env: input.env, cwd: input.cwd });
    config.generator.model = choice.path;
  }
  const loom = createLoom({ seed, config, ...(brief ? { brief } : {}) });
  const dir =
    input.dir !== undefined ? dirFlag(input.cwd, input.dir) : join(sessionsRoot(input.env, input.cwd), loom.sessionId);
  if (existsSync(join(dir, "loom.json"))) {
    throw new FailureError(
      `--dir: a session already exists in ${dir}`,
      `continue it with \`loom run ${input.dir ?? dir}\`, or pick another directory`,
    );
  }
  config.outputDir = dir;
  const session = await createSession(dir, loom);
  await session.close();
  return { dir, loom };
}
