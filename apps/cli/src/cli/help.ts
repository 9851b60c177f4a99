// Renders `--help` for one command and for `loom` itself, from the same specs the parser uses.
import type { Colors } from "./colors.js";
import type { CommandSpec, OptionSpec, OptionsSpec } from "./define-command.js";
import { COMMON_OPTIONS } from "./parse-argv.js";

export const EXIT_CODES_TEXT =
  "Exit status: 0 ok, 1 failure (the message says what to do), 2 usage (bad flag or argument), 130 interrupted (work so far is saved).";

function flagLabel(name: string, o: OptionSpec): string {
  const value =
    o.type === "boolean"
      ? ""
      : ` ${o.type === "enum" ? o.choices.join("|") : (o.valueName ?? (o.type === "number" ? "N" : "VALUE"))}`;
  return `${o.short ? `-${o.short}, ` : "    "}--${name}${value}`;
}

function table(rows: [string, string][], c: Colors): string[] {
  const width = Math.min(34, Math.max(...rows.map(([a]) => a.length)));
  return rows.map(([a, b]) =>
    a.length > width ? `  ${c.cyan(a)}\n  ${" ".repeat(width)}  ${b}` : `  ${c.cyan(a.padEnd(width))}  ${b}`,
  );
}

export function renderCommandHelp(spec: CommandSpec<OptionsSpec>, c: Colors): string {
  const lines: string[] = [];
  const pos = (spec.positionals ?? []).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)).join(" ");
  lines.push(`${c.bold(`loom ${spec.name}`)} — ${spec.summary}`, "");
  lines.push(`${c.bold("Usage:")} loom ${spec.name}${pos ? ` ${pos}` : ""} [flags]`, "");
  if (spec.description) lines.push(spec.description, "");
  if (spec.positionals?.length) {
    lines.push(c.bold("Arguments:"));
    lines.push(
      ...table(
        spec.positionals.map((p) => [p.name, p.description]),
        c,
      ),
      "",
    );
  }
  const all: OptionsSpec = { ...spec.options, ...COMMON_OPTIONS };
  lines.push(c.bold("Flags:"));
  lines.push(
    ...table(
      Object.entries(all).map(([name, o]) => {
        const def = "default" in o && o.default !== undefined ? c.dim(` (default: ${o.default})`) : "";
        return [flagLabel(name, o), `${o.description}${def}`];
      }),
      c,
    ),
    "",
  );
  lines.push(c.bold("Examples:"));
  for (const e of spec.examples) lines.push(`  ${c.dim("$")} ${e.command}`, `      ${e.description}`);
  lines.push("", EXIT_CODES_TEXT);
  return lines.join("\n");
}

export interface CommandSummary {
  name: string;
  summary: string;
}

export function renderRootHelp(commands: readonly CommandSummary[], version: string, c: Colors): string {
  return [
    `${c.bold("loom")} ${version} — grow a text with a base model, one branch at a time, and keep every branch.`,
    "",
    `${c.bold("Usage:")} loom <command> [arguments] [flags]`,
    "",
    c.bold("Commands:"),
    ...table(
      commands.map((cmd) => [cmd.name, cmd.summary]),
      c,
    ),
    "",
    c.bold("Examples:"),
    `  ${c.dim("$")} loom demo`,
    "      Run a short offline session on the local model and print the text.",
    `  ${c.dim("$")} loom new --seed "Once upon a time" --dir story && loom run story`,
    "      Start a session and choose continuations at the keyboard.",
    `  ${c.dim("$")} loom run story --selector auto --max-steps 10`,
    "      Let the automatic selector run ten steps headless.",
    `  ${c.dim("$")} loom show story --json`,
    "      The current text as JSON, for scripts.",
    "",
    c.bold("Environment:"),
    ...table(
      [
        ["LOOM_MODEL", "path of the GGUF model for the local engine (after --model)"],
        ["LOOM_CACHE_DIR", "where `loom model pull` stores models (default ~/.cache/loom)"],
        ["OPENAI_API_KEY", "for --generator openai / --selector-model gpt-…"],
        ["TOGETHER_API_KEY", "for --generator together"],
        ["ANTHROPIC_API_KEY", "for --generator anthropic-cli-sim and Claude selectors"],
        ["NO_COLOR", "any value turns colours off"],
      ],
      c,
    ),
    "",
    c.bold("Flags:"),
    ...table(
      [
        ["--help, -h", "help for loom, or for a command (loom COMMAND --help, with examples)"],
        ["--version, -v", "print the version of loom"],
        ["--json", "on every command: machine output on stdout, logs on stderr"],
      ],
      c,
    ),
    "",
    EXIT_CODES_TEXT,
  ].join("\n");
}

/** Help for a command group such as `loom model`: its actions and where to read more. */
export function renderGroupHelp(group: string, actions: readonly CommandSummary[], c: Colors): string {
  return [
    `${c.bold(`loom ${group}`)} — ${actions.map((a) => a.name.slice(group.length + 1)).join(" or ")}`,
    "",
    `${c.bold("Usage:")} loom ${group} <action> [flags]`,
    "",
    c.bold("Actions:"),
    ...table(
      actions.map((a) => [a.name, a.summary]),
      c,
    ),
    "",
    `Each action takes --help, e.g. loom ${actions[0]?.name ?? group} --help.`,
    EXIT_CODES_TEXT,
  ].join("\n");
}
