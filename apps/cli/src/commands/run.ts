// `loom run`: grow a session — you choose at the keyboard, or a selector runs headless to a stop.
import { defineCommand } from "../cli/define-command.js";
import { SESSION_POSITIONAL } from "../session/read-loom.js";
import { RUN_OPTIONS, runCommand } from "../session/run-command.js";

export default defineCommand({
  name: "run",
  summary: "run the loop: at the keyboard, or headless with a selector",
  description: [
    "At a terminal with the human selector, each step shows the recent text and numbered candidates with",
    "their logprobs (the base model's favourite marked). Keys: 1-9 choose · r reroll (more candidates) ·",
    "w write your own · b back to the parent · ? rejected here · s stop · q quit (everything is saved).",
    "",
    "Headless (--selector auto|stateless|agentic, or no terminal) it runs to a stop, with progress on",
    "stderr and the text on stdout. Without a terminal the human selector falls back to auto.",
  ].join("\n"),
  positionals: [SESSION_POSITIONAL],
  options: RUN_OPTIONS,
  examples: [
    { command: "loom run story", description: "Choose continuations yourself." },
    { command: "loom run story --selector auto --max-steps 20", description: "Twenty steps offline, following the base model's favourites." },
    { command: "loom run story --selector stateless --selector-model claude-sonnet-5-5", description: "A Claude selector reads the brief and decides (ANTHROPIC_API_KEY)." },
    { command: "loom run story --from 3", description: "Go back to the fourth node of the current path and grow a new branch." },
  ],
  run: runCommand,
});
