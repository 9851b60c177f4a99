// Expands a plan's grid (briefs × generators × selectors × seeds × repeats) into cells and the sessions they hold.
import { createLoom, defaultSessionConfig, type Loom } from "@loom/core";
import type { LoadedPlan } from "./load-plan.js";

export interface SweepSessionSpec {
  /** The session's id in the store: `<sweep>:<brief>:<generator>:<selector>:s<seed>:r<repeat>`. */
  id: string;
  /** `<brief>/<generator>/<selector>`: what `sweep status` counts by. */
  cell: string;
  seed: number;
  repeat: number;
}

/** Every session of the plan, in a stable order (cells first, then seeds, then repeats). */
export function expandGrid(loaded: LoadedPlan): SweepSessionSpec[] {
  const { plan } = loaded;
  const specs: SweepSessionSpec[] = [];
  for (const brief of Object.keys(plan.briefs))
    for (const generator of Object.keys(plan.generators))
      for (const selector of Object.keys(plan.selectors))
        for (const seed of plan.seeds)
          for (let repeat = 1; repeat <= plan.repeats; repeat++)
            specs.push({
              id: `${plan.name}:${brief}:${generator}:${selector}:s${seed}:r${repeat}`,
              cell: `${brief}/${generator}/${selector}`,
              seed,
              repeat,
            });
  return specs;
}

/** The new loom a session of the grid starts as: its brief's seed text, its cell's configs, its sampling seed. */
export function loomOf(loaded: LoadedPlan, spec: SweepSessionSpec): Loom {
  const [brief, generator, selector] = spec.cell.split("/") as [string, string, string];
  const { plan } = loaded;
  const base = defaultSessionConfig();
  const config = defaultSessionConfig({
    ...base,
    generator: { ...base.generator, ...plan.generators[generator], seed: spec.seed },
    selector: { ...base.selector, ...plan.selectors[selector] },
    ...(plan.maxSteps !== undefined ? { maxSteps: plan.maxSteps } : {}),
    ...(plan.maxTokensTotal !== undefined ? { maxTokensTotal: plan.maxTokensTotal } : {}),
  });
  const b = loaded.briefs[brief];
  return createLoom({ seed: plan.briefs[brief]!.seed, config, ...(b ? { brief: b } : {}) });
}
