// `loom run`: grow a session — you choose at the keyboard, or a selector runs headless to a stop.
import { defineCommand } from "../cli/define-command.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
import { RUN_OPTIONS, runCommand } from "../session/run-command.js";

export default defineCommand({
  name: "run",
  summary: "run the loop: at the keyboard, or headless with a selector",
  description: [
    "With the human selector, each step shows the recent text and numbered candidates with their logprobs",
    "(the base model's favourite marked). Keys: 1-9 choose (10+: digits, then Enter) · r reroll (a new,",
    "paid batch) · w write your own · b back: what was offered at the parent, nothing generated · ? rejected",
    "here · s stop · q quit (exit 0; everything is saved) · Ctrl-C interrupt (exit 130, also mid-generation).",
    "Keys come from the terminal (/dev/tty) even when stdout is piped or --json; with no terminal at all",
    "a human session refuses (exit 2): run it headless with --selector auto|stateless|agentic.",
    "",
    "Headless it runs to a stop, with progress on stderr and the text on stdout. --max-steps limits this",
    "run's decisions; --max-tokens-total changes the session's token budget (saved). After a stop,",
    "--continue grows past it and --from NODE grows another branch.",
  ].join("\n"),
  positionals: [SESSION_POSITIONAL],
  options: RUN_OPTIONS,
  examples: [
    { command: "loom run story", description: "Choose continuations yourself." },
    {
      command: "loom run story --selector auto --max-steps 20",
      description: "Twenty steps offline, following the base model's favourites.",
    },
    {
      command: "loom run story --selector stateless --selector-model claude-sonnet-5-5",
      description: "A Claude selector reads the brief and decides (ANTHROPIC_API_KEY).",
    },
    {
      command: "loom run story --from 3",
      description: "Go back to the fourth node of the current path and grow a new branch.",
    },
    {
      command: "loom run story --max-tokens-total 3000",
      description: "Raise a session's token budget once it is reached, and go on.",
    },
  ],
  run: runCommand,
});
