// Reads plan.toml: TOML parsed, validated against the plan schema, briefs loaded; every error names the file and the field.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Brief } from "@loom/core";
import { loadBrief } from "@loom/io";
import { parse } from "smol-toml";
import type { z } from "zod";
import { SweepPlanSchema, type SweepPlan } from "./plan-schema.js";
import { SweepError } from "./sweep-error.js";

/** A validated plan with its briefs read (by brief name). */
export interface LoadedPlan {
  file: string;
  plan: SweepPlan;
  briefs: Record<string, Brief | undefined>;
}

const fieldOf = (path: readonly PropertyKey[]) => path.map(String).join(".") || "(top level)";

function planError(file: string, issue: z.core.$ZodIssue): SweepError {
  // An unknown key (often a typo) is named as the field itself, not as its parent.
  if (issue.code === "unrecognized_keys")
    return new SweepError(
      "invalid_plan",
      `${file}: field ${fieldOf([...issue.path, issue.keys[0]!])}: not a field of a plan`,
    );
  return new SweepError("invalid_plan", `${file}: field ${fieldOf(issue.path)}: ${issue.message}`);
}

/** Validate a parsed plan (from TOML or JSON); `file` names it in errors. */
export function parsePlan(value: unknown, file: string): SweepPlan {
  const parsed = SweepPlanSchema.safeParse(value);
  if (!parsed.success) throw planError(file, parsed.error.issues[0]!);
  for (const [name, selector] of Object.entries(parsed.data.selectors)) {
    // Nobody is at a keyboard in a sweep: a human selector would wait for ever.
    if (selector.mode === undefined || selector.mode === "human" || selector.mode === "hybrid")
      throw new SweepError(
        "invalid_plan",
        `${file}: field selectors.${name}.mode: a sweep runs headless; use "auto", "stateless" or "agentic"`,
      );
  }
  return parsed.data;
}

export async function loadPlan(path: string): Promise<LoadedPlan> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new SweepError("invalid_plan", `cannot read the plan ${file}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new SweepError("invalid_plan", `${file}: not valid TOML: ${(error as Error).message.split("\n")[0]}`);
  }
  const plan = parsePlan(value, file);
  const briefs: Record<string, Brief | undefined> = {};
  for (const [name, entry] of Object.entries(plan.briefs)) {
    if (entry.file === undefined) continue;
    const briefFile = resolve(dirname(file), entry.file);
    try {
      briefs[name] = await loadBrief(briefFile);
    } catch (error) {
      throw new SweepError(
        "invalid_plan",
        `${file}: field briefs.${name}.file: ${briefFile}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return { file, plan, briefs };
}
