// `loom demo`: the offline main job — a real headless session on the local engine, printed with where it was saved.
import { relative } from "node:path";
import { defineCommand } from "../cli/define-command.js";
import { describeEnd } from "../session/describe-end.js";
import { runSession } from "../session/run-session.js";
import { newSession } from "../session/new-session.js";
import { invocation } from "../cli/invocation.js";

const DEFAULT_SEED = "Once upon a time, there was a little girl named Lily. She";

export default defineCommand({
  name: "demo",
  summary: "run a short offline session on the local model and print it",
  description:
    "Creates a session on the local GGUF engine (model from --model, LOOM_MODEL, the cache, or a source\n" +
    "checkout's ../shared/models/stories260K.gguf — the lookup every command uses), lets the automatic selector take a few steps (the base\n" +
    "model's favourite each time), prints the text and where the session was saved. No network, no API key.",
  options: {
    seed: { type: "string", valueName: "TEXT", default: DEFAULT_SEED, description: "the text to continue" },
    steps: {
      type: "number",
      integer: true,
      min: 1,
      max: 200,
      default: 8,
      valueName: "N",
      description: "decisions to make",
    },
    model: { type: "string", valueName: "PATH|NAME", description: "GGUF model for the local engine" },
    branching: {
      type: "number",
      integer: true,
      min: 1,
      max: 16,
      default: 4,
      valueName: "N",
      description: "candidates per decision",
    },
    "segment-tokens": {
      type: "number",
      integer: true,
      min: 1,
      max: 64,
      default: 6,
      valueName: "N",
      description: "tokens per candidate",
    },
    "sample-seed": {
      type: "number",
      integer: true,
      default: 42,
      valueName: "N",
      description: "sampling seed (same seed, same story)",
    },
    dir: {
      type: "string",
      valueName: "DIR",
      description: "session directory (default: ./.loom-sessions/<session id>)",
    },
  },
  examples: [
    { command: "loom demo", description: "Eight automatic steps on the small TinyStories model." },
    { command: "loom demo --steps 20 --seed 'The dragon'", description: "A longer run from another seed." },
    { command: "loom demo --json", description: "The result as JSON (text, session directory, steps)." },
  ],
  async run({ values, env, cwd, out, stdin, signal }) {
    const { dir } = await newSession({
      seed: values.seed,
      dir: values.dir,
      flags: {
        model: values.model,
        selector: "auto",
        branching: values.branching,
        "segment-tokens": values["segment-tokens"],
        "sample-seed": values["sample-seed"],
      },
      env,
      cwd,
    });
    const shown = relative(cwd, dir) || ".";
    out.info(
      out.errColors.dim(
        `session ${shown}: ${values.steps} steps, ${values.branching} candidates each, automatic selector`,
      ),
    );
    const result = await runSession({
      dir,
      flags: { "max-steps": values.steps },
      out,
      env,
      cwd,
      stdin,
      signal,
    });
    const { config: _config, ...json } = result;
    out.result(json, () =>
      [
        out.colors.bold("── text ──"),
        result.text,
        "",
        `${describeEnd(result, shown)}`,
        `read it again: ${invocation(cwd)} show ${shown} · the tree: ${invocation(cwd)} tree ${shown}`,
      ].join("\n"),
    );
  },
});
