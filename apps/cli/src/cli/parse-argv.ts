// Parses a command's argv against its spec with node:util parseArgs (strict), turning every mistake into a UsageError naming the flag.
import { parseArgs } from "node:util";
import type { CommandSpec, OptionSpec, OptionsSpec, OptionValues } from "./define-command.js";
import { UsageError } from "./exit-error.js";
import { closest } from "./suggest.js";

/** Flags every command accepts. */
export const COMMON_OPTIONS = {
  json: { type: "boolean", description: "machine-readable output on stdout (logs stay on stderr)" },
  help: { type: "boolean", short: "h", description: "show this help" },
} as const satisfies OptionsSpec;

export interface ParsedArgv<O extends OptionsSpec> {
  values: OptionValues<O> & { help: boolean };
  positionals: Record<string, string | undefined>;
  rest: string[];
}

export function parseArgv<O extends OptionsSpec>(spec: CommandSpec<O>, argv: readonly string[]): ParsedArgv<O> {
  const all: Record<string, OptionSpec> = { ...spec.options, ...COMMON_OPTIONS };
  const config: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const [name, o] of Object.entries(all)) {
    config[name] = { type: o.type === "boolean" ? "boolean" : "string", ...(o.short ? { short: o.short } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: protectNegativeNumbers(argv, all),
      options: config,
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw describeParseError(error, spec, all);
  }
  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(all)) {
    const raw = parsed.values[name];
    values[name] = coerce(name, o, raw as string | boolean | undefined);
  }
  const named = spec.positionals ?? [];
  const positionals: Record<string, string | undefined> = {};
  const given = parsed.positionals.map((p) => (p.startsWith(NEGATIVE) ? p.slice(NEGATIVE.length) : p));
  for (const p of named) positionals[p.name] = given.shift();
  if (!values.help) {
    for (const p of named) {
      if (p.required && positionals[p.name] === undefined) {
        throw new UsageError(`missing argument <${p.name}> (${p.description})`, `see: loom ${spec.name} --help`);
      }
    }
    if (given.length > 0 && !spec.acceptsRest) {
      throw new UsageError(`unexpected argument "${given[0]}" for loom ${spec.name}`, `see: loom ${spec.name} --help`);
    }
  }
  return { values: values as ParsedArgv<O>["values"], positionals, rest: given };
}

const NEGATIVE = "\u0000negative:";

/**
 * `--threshold -2` and `loom rejected -1`: node's parser would read "-2" as a flag. A negative
 * number after a flag that takes a value becomes `--flag=-2`; anywhere else it is a positional.
 */
function protectNegativeNumbers(argv: readonly string[], all: Record<string, OptionSpec>): string[] {
  const takesValue = (token: string) => {
    if (token.includes("=")) return false;
    const name = token.replace(/^-+/, "");
    const o = token.startsWith("--") ? all[name] : Object.values(all).find((x) => x.short === name);
    return o !== undefined && o.type !== "boolean";
  };
  const out: string[] = [];
  for (const token of argv) {
    if (/^-\d+(\.\d+)?$/.test(token)) {
      const prev = out[out.length - 1];
      if (prev !== undefined && prev.startsWith("-") && !prev.startsWith(NEGATIVE) && takesValue(prev))
        out[out.length - 1] = `${prev}=${token}`;
      else out.push(`${NEGATIVE}${token}`);
    } else out.push(token);
  }
  return out;
}

function coerce(name: string, o: OptionSpec, raw: string | boolean | undefined): unknown {
  if (o.type === "boolean") return raw === true;
  if (raw === undefined) return o.default;
  const value = String(raw);
  if (o.type === "string") return value;
  if (o.type === "enum") {
    if (!o.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${o.choices.join(", ")} (got "${value}")`);
    }
    return value;
  }
  const n = value.trim() === "" ? Number.NaN : Number(value);
  const kind = o.integer ? "an integer" : "a number";
  // Integers are plain digits: "1e3" and "0x10" are more likely slips than intent.
  if (!Number.isFinite(n) || (o.integer && (!/^\s*-?\d+\s*$/.test(value) || !Number.isInteger(n)))) {
    throw new UsageError(`--${name} must be ${kind} (got "${value}")`);
  }
  if (o.integer && !Number.isSafeInteger(n)) {
    throw new UsageError(`--${name} is too large (got ${value}; at most ${o.max ?? Number.MAX_SAFE_INTEGER})`);
  }
  if (o.min !== undefined && n < o.min) throw new UsageError(`--${name} must be at least ${o.min} (got ${value})`);
  if (o.max !== undefined && n > o.max) throw new UsageError(`--${name} must be at most ${o.max} (got ${value})`);
  return n;
}

function describeParseError(
  error: unknown,
  spec: CommandSpec<OptionsSpec>,
  all: Record<string, OptionSpec>,
): UsageError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const flag = /'(-{1,2}[^'\s]+)/.exec(message)?.[1] ?? "";
  const help = `see: loom ${spec.name} --help`;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const name = flag.replace(/^-+/, "").split("=")[0] ?? "";
    const guess = closest(name, Object.keys(all));
    return new UsageError(
      `unknown flag ${flag} for loom ${spec.name}`,
      guess ? `did you mean --${guess}? (${help})` : help,
    );
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const name = flag.replace(/^-+/, "").split(/[=\s]/)[0] ?? flag;
    const long = Object.entries(all).find(([n, o]) => n === name || o.short === name)?.[0] ?? name;
    const o = all[long];
    if (o?.type === "boolean") return new UsageError(`--${long} is a switch and takes no value`, help);
    return new UsageError(
      `--${long} needs a value${o && "valueName" in o && o.valueName ? ` (${o.valueName})` : ""}`,
      help,
    );
  }
  return new UsageError(message, help);
}
