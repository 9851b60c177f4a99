// `loom new`: a session from a seed and a brief, with its generator, sampling and selector settings.
import { relative } from "node:path";
import { defineCommand } from "../cli/define-command.js";
import { BUDGET_OPTIONS, GENERATOR_OPTIONS, SELECTOR_OPTIONS } from "../session/config-flags.js";
import { newSession } from "../session/new-session.js";
import { invocation } from "../cli/invocation.js";

export default defineCommand({
  name: "new",
  summary: "create a session from a seed and a brief",
  description: "Creates the session directory and prints where it is; `loom run DIR` then grows it.",
  options: {
    seed: { type: "string", valueName: "TEXT", description: "the text to continue" },
    "seed-file": { type: "string", valueName: "FILE", description: "read the seed from a file" },
    brief: {
      type: "string",
      valueName: "FILE",
      description: "creative brief: .toml (structured) or Markdown/text (becomes notes)",
    },
    dir: {
      type: "string",
      valueName: "DIR",
      description: "session directory (default: ./.loom-sessions/<session id>)",
    },
    ...GENERATOR_OPTIONS,
    ...SELECTOR_OPTIONS,
    ...BUDGET_OPTIONS,
    durable: {
      type: "boolean",
      description:
        "fsync every decision of every run of this session (saved; `loom config S set durable false` undoes it)",
    },
  },
  examples: [
    {
      command: 'loom new --seed "Once upon a time" --dir story',
      description: "A session on the local engine, chosen by you at the keyboard.",
    },
    {
      command: "loom new --seed-file opening.txt --brief brief.toml --preset stable --dir spider",
      description: "Seed and brief from files, stable sampling.",
    },
    {
      command:
        "loom new --seed 'The attention was a hand' --generator openai --model davinci-002 --selector stateless --selector-model claude-sonnet-5-5",
      description: "OpenAI base model proposes, a Claude selector chooses (OPENAI_API_KEY and ANTHROPIC_API_KEY).",
    },
    {
      command: "loom new --seed 'Hi' --base-url http://127.0.0.1:8080/v1 --generator openai --model local",
      description: "Any OpenAI-compatible server (llama.cpp, vLLM, Ollama).",
    },
  ],
  async run({ values, env, cwd, out }) {
    const { dir, loom } = await newSession({
      seed: values.seed,
      seedFile: values["seed-file"],
      briefFile: values.brief,
      dir: values.dir,
      flags: values,
      durable: values.durable,
      env,
      cwd,
    });
    const shown = relative(cwd, dir) || ".";
    out.result({ session: dir, sessionId: loom.sessionId, config: loom.config }, () =>
      [`created session ${loom.sessionId} in ${shown}`, `next: ${invocation(cwd)} run ${shown}`].join("\n"),
    );
  },
});
