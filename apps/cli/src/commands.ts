// The command table: names and one-line summaries here, each command's code loaded only when it runs.
import type { CommandSpec, OptionsSpec } from "./cli/define-command.js";

type Loader = () => Promise<{ default: CommandSpec<OptionsSpec> }>;

export interface CommandEntry {
  name: string;
  summary: string;
  load: Loader;
}

// Loaders cast through unknown: each module's spec is typed by its own options, the table only needs the shape.
const entry = (name: string, summary: string, load: () => Promise<{ default: unknown }>): CommandEntry => ({
  name,
  summary,
  load: load as Loader,
});

/** The tree-work commands share one module (tree-work.ts); each entry loads it and takes its export. */
function treeWork(list: [name: string, summary: string, exported: string][]): CommandEntry[] {
  return list.map(([name, summary, exported]) =>
    entry(name, summary, () =>
      import("./commands/tree-work.js").then((m) => ({ default: m[exported as keyof typeof m] })),
    ),
  );
}

export const COMMANDS: readonly CommandEntry[] = [
  entry("demo", "run a short offline session on the local model and print it", () => import("./commands/demo.js")),
  entry("new", "create a session from a seed and a brief", () => import("./commands/new.js")),
  entry(
    "preset",
    "list, save and use named generation presets (yours, or a session's own)",
    () => import("./commands/preset.js"),
  ),
  entry("run", "run the loop: at the keyboard, or headless with a selector", () => import("./commands/run.js")),
  entry("resume", "continue a session where it stopped", () => import("./commands/resume.js")),
  entry("show", "print the text of the current path", () => import("./commands/show.js")),
  entry("tree", "draw the tree around the tip, current path marked", () => import("./commands/tree.js")),
  entry(
    "tokens",
    "list a node's tokens and alternatives (--divergences: unlikely tokens on the path)",
    () => import("./commands/tokens.js"),
  ),
  entry("decisions", "list the last decisions with reasons and logprob gaps", () => import("./commands/decisions.js")),
  entry("rejected", "list the candidates rejected at a node", () => import("./commands/rejected.js")),
  entry("divergences", "decisions that went against the base model", () => import("./commands/divergences.js")),
  entry(
    "clarifications",
    "questions the selector asked, and the answers",
    () => import("./commands/clarifications.js"),
  ),
  entry(
    "config",
    "show or change a session's settings (model, sampling, selector, budget)",
    () => import("./commands/config.js"),
  ),
  entry(
    "brief",
    "show or change a session's brief (each change is a new brief version)",
    () => import("./commands/brief.js"),
  ),
  entry("stats", "counts, mean logprob gap, tokens and cost", () => import("./commands/stats.js")),
  entry(
    "analyze",
    "aggregate many sessions: acceptance, gaps, clarifications, diversity, usage",
    () => import("./commands/analyze.js"),
  ),
  entry(
    "rejudge",
    "put recorded decisions to another selector; its verdicts are kept beside the sessions",
    () => import("./commands/rejudge.js"),
  ),
  entry(
    "export-pairs",
    "write recorded choices as preference pairs (JSONL for DPO training)",
    () => import("./commands/export-pairs.js"),
  ),
  ...treeWork([
    ["edit", "rewrite a node's text (a new version beside it; the original stays)", "edit"],
    ["split", "split a node in two at a character offset", "split"],
    ["branch", "branch inside a node at a token: an alternative the model offered there, or your text", "branch"],
    ["merge", "merge a node with its single child", "merge"],
    ["prune", "hide a subtree from views and exports (--restore shows it)", "prune"],
    ["move", "move a subtree under another node", "move"],
    ["undo", "take back the last change", "undoCommand"],
    ["redo", "put back the last change undone", "redoCommand"],
    ["checkout", "make a node the tip (a bookmark, a search hit, any node)", "checkoutCommand"],
    ["bookmark", "bookmark a node (--remove takes it off)", "bookmark"],
    ["tag", "tag a node (--remove takes the tag off)", "tag"],
    ["marks", "list bookmarks and tags", "marks"],
    ["search", "find text, reasons and tags in every node, with paths", "search"],
  ]),

  entry(
    "expand",
    "generate a subtree below a node without choosing (a look-ahead; cost shown first)",
    () => import("./commands/expand.js"),
  ),
  entry("hold", "keep a path (the current one, or a node's) to come back to", () =>
    import("./commands/held-paths.js").then((m) => ({ default: m.hold })),
  ),
  entry("paths", "list the held paths (h1, h2…) beside the current one", () =>
    import("./commands/held-paths.js").then((m) => ({ default: m.paths })),
  ),
  entry("switch", "check out a held path (or any node), holding the path left", () =>
    import("./commands/held-paths.js").then((m) => ({ default: m.switchCommand })),
  ),

  entry("export", "write the session as Markdown, JSON or Graphviz DOT", () => import("./commands/export.js")),
  entry(
    "fsck",
    "check a session for damage; --repair salvages it into a new session",
    () => import("./commands/fsck.js"),
  ),
  entry(
    "import",
    "import a session directory (Loom or the Python reference format)",
    () => import("./commands/import.js"),
  ),
  entry(
    "migrate",
    "copy a session between a directory and a PostgreSQL database (either way)",
    () => import("./commands/migrate.js"),
  ),
  entry("model pull", "download the small default model into the cache", () => import("./commands/model-pull.js")),
  entry("model path", "print which model the local engine would use", () => import("./commands/model-path.js")),
  entry(
    "sweep",
    "run a grid of sessions on workers: start one from a plan, show its status, cancel it",
    () => import("./commands/sweep.js"),
  ),
  entry(
    "worker",
    "run sweep sessions from the database's queue (any number of workers, on any machine)",
    () => import("./commands/worker.js"),
  ),
  entry("serve", "start the HTTP server and web page", () => import("./commands/serve.js")),
  entry(
    "doctor",
    "probe the configured generator and selector with one tiny request each",
    () => import("./commands/doctor.js"),
  ),
];

/** The entry named by the first one or two words of argv, and the arguments after it. */
export function findCommand(argv: readonly string[]): { entry: CommandEntry; rest: string[] } | null {
  const two = argv.slice(0, 2).join(" ");
  const byTwo = COMMANDS.find((c) => c.name === two);
  if (byTwo) return { entry: byTwo, rest: argv.slice(2) };
  const byOne = COMMANDS.find((c) => c.name === argv[0]);
  if (byOne) return { entry: byOne, rest: argv.slice(1) };
  return null;
}
