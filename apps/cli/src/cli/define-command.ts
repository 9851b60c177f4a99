// Declarative command definitions: flags, positionals and examples as data, so help and parsing derive from one place.
import type { Output } from "./output.js";

interface OptionBase {
  description: string;
  /** One-letter alias, e.g. "n" for -n. */
  short?: string;
  /** Shown in help after the flag, e.g. "FILE". */
  valueName?: string;
}
export interface StringOption extends OptionBase {
  type: "string";
  default?: string;
}
export interface BooleanOption extends OptionBase {
  type: "boolean";
}
export interface NumberOption extends OptionBase {
  type: "number";
  default?: number;
  integer?: boolean;
  min?: number;
  max?: number;
}
export interface EnumOption<C extends string = string> extends OptionBase {
  type: "enum";
  choices: readonly C[];
  default?: C;
}
export type OptionSpec = StringOption | BooleanOption | NumberOption | EnumOption;
export type OptionsSpec = Record<string, OptionSpec>;

type OptionValue<S extends OptionSpec> = S extends BooleanOption
  ? boolean
  : S extends NumberOption
    ? S extends { default: number }
      ? number
      : number | undefined
    : S extends EnumOption<infer C>
      ? S extends { default: string }
        ? C
        : C | undefined
      : S extends { default: string }
        ? string
        : string | undefined;

/** Parsed flag values, keyed by the flag's long name (kebab-case). */
export type OptionValues<O extends OptionsSpec> = { [K in keyof O]: OptionValue<O[K]> } & { json: boolean };

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
}

export interface Example {
  command: string;
  description: string;
}

export interface CommandContext<O extends OptionsSpec> {
  values: OptionValues<O>;
  positionals: Record<string, string | undefined>;
  /** Arguments after the named positionals (for commands that take a list). */
  rest: string[];
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: NodeJS.ReadStream;
  /** Aborted on SIGINT/SIGTERM, so model calls stop promptly. */
  signal: AbortSignal;
}

export interface CommandSpec<O extends OptionsSpec = OptionsSpec> {
  name: string;
  summary: string;
  /** Longer prose shown under the summary in `--help`. */
  description?: string;
  positionals?: readonly PositionalSpec[];
  /** Accept more positional arguments than those named (they arrive in `rest`). */
  acceptsRest?: boolean;
  options: O;
  examples: readonly Example[];
  run(ctx: CommandContext<O>): Promise<void>;
}

export function defineCommand<const O extends OptionsSpec>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}
