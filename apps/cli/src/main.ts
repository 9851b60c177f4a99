// The one place where argv becomes a command run and any error becomes a message and an exit status.
import { COMMANDS, findCommand } from "./commands.js";
import { colorsEnabled, createColors } from "./cli/colors.js";
import type { CommandSpec, OptionsSpec } from "./cli/define-command.js";
import { EXIT, ExitError, UsageError } from "./cli/exit-error.js";
import { renderCommandHelp, renderGroupHelp, renderRootHelp } from "./cli/help.js";
import { Output, type Streams } from "./cli/output.js";
import { parseArgv } from "./cli/parse-argv.js";
import { closest } from "./cli/suggest.js";
import { VERSION } from "./version.js";

export interface MainOptions extends Streams {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: NodeJS.ReadStream;
  signal: AbortSignal;
}

/** Runs the CLI and returns the exit status; never throws. */
export async function main(argv: readonly string[], options: MainOptions): Promise<number> {
  const json = argv.includes("--json");
  const out = new Output(options, options.env, json);
  try {
    return await dispatch(argv, options, out);
  } catch (error) {
    return await report(error, out, options);
  }
}

async function dispatch(argv: readonly string[], options: MainOptions, out: Output): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? argv.slice(1) : [];
    if (topic.length > 0) return dispatch([...topic, "--help"], options, out);
    options.stdout.write(
      `${renderRootHelp(COMMANDS, VERSION, createColors(colorsEnabled(options.stdout, options.env)))}\n`,
    );
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === "--version" || first === "-v") {
    options.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const found = findCommand(argv);
  // `loom model` and `loom model --help`: the group's own help, listing its actions.
  if (!found && first === "model" && (argv.length === 1 || argv[1] === "--help" || argv[1] === "-h")) {
    const actions = COMMANDS.filter((c) => c.name.startsWith("model "));
    options.stdout.write(
      `${renderGroupHelp("model", actions, createColors(colorsEnabled(options.stdout, options.env)))}\n`,
    );
    return argv.length === 1 ? EXIT.usage : EXIT.ok;
  }
  if (!found) {
    const names = [...new Set(COMMANDS.map((c) => c.name.split(" ")[0]!))];
    if (first === "model")
      throw new UsageError(`loom model needs an action: pull or path`, "see: loom model pull --help");
    const guess = first.startsWith("-") ? undefined : closest(first, names);
    throw new UsageError(
      first.startsWith("-") ? `unknown flag ${first} before a command` : `unknown command "${first}"`,
      guess ? `did you mean \`loom ${guess}\`? (see: loom --help)` : "see: loom --help",
    );
  }
  const spec = (await found.entry.load()).default as CommandSpec<OptionsSpec>;
  const parsed = parseArgv(spec, found.rest);
  if (parsed.values.help) {
    options.stdout.write(`${renderCommandHelp(spec, createColors(colorsEnabled(options.stdout, options.env)))}\n`);
    return EXIT.ok;
  }
  await spec.run({
    values: parsed.values,
    positionals: parsed.positionals,
    rest: parsed.rest,
    out,
    env: options.env,
    cwd: options.cwd,
    stdin: options.stdin,
    signal: options.signal,
  });
  out.done();
  return EXIT.ok;
}

async function report(error: unknown, out: Output, options: MainOptions): Promise<number> {
  out.done();
  const c = out.errColors;
  // Loaded only on failure: it reads every package's errors, which a command that succeeds need not load.
  const known = ExitError.isInstance(error) ? error : (await import("./errors/describe-error.js")).describeError(error);
  if (known) {
    options.stderr.write(`${c.red("error:")} ${known.message}\n`);
    if (known.hint) options.stderr.write(`${c.dim("hint:")} ${known.hint}\n`);
    // stdout carries exactly one JSON document: the error's, unless the command already wrote its result
    // (which says what failed: fsck's damage, doctor's probes, a run's end); the message is on stderr either way.
    if (out.json && !out.hasResult)
      options.stdout.write(
        `${JSON.stringify({ error: { message: known.message, hint: known.hint ?? null, exitCode: known.exitCode } })}\n`,
      );
    return known.exitCode;
  }
  if (options.signal.aborted) {
    options.stderr.write("interrupted; everything already chosen is saved\n");
    return EXIT.interrupted;
  }
  // Not a user mistake: a bug, so show the stack.
  options.stderr.write(
    `${c.red("internal error:")} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  options.stderr.write("This is a bug in loom; please report it with the command you ran.\n");
  return EXIT.failure;
}
