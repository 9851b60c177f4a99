// A stranger's ESM program against the published .d.ts: build a loom, run a scripted session through the orchestrator, read it back.
import { analyzeSessions, type AnalysisReport } from "@loom/analysis";
import { addCandidates, createLoom, currentText, SelectorConfigSchema, type Loom } from "@loom/core";
import { createGenerator, GeneratorError } from "@loom/generators";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession, parseBriefToml } from "@loom/io";
import { Orchestrator, memorySession, type OrchestratorEvent, type RunResult } from "@loom/orchestrator";
import { createSelector } from "@loom/selectors";
import { startServer } from "@loom/server";

const loom: Loom = createLoom({ seed: "Once upon a time" });
const added = addCandidates(loom, loom.rootId, [{ text: ", a cat" }]);
const firstCandidate: string = added.nodeIds[0]!;
const text: string = currentText(loom);

export async function run(): Promise<RunResult> {
  const orchestrator = await Orchestrator.open({
    session: memorySession(createLoom({ seed: "x" })),
    generator: createGenerator({ provider: "scripted" }),
    selector: createSelector(SelectorConfigSchema.parse({ mode: "auto" })),
  });
  orchestrator.on((event: OrchestratorEvent) => void event.type);
  return orchestrator.run({ maxSteps: 1 });
}

export const analyze = (dirs: string[]): Promise<AnalysisReport> => analyzeSessions(dirs, { groupBy: ["selector"] });

export const used = [
  firstCandidate,
  text,
  GeneratorError,
  ScriptedGenerator,
  parseBriefToml,
  createSession,
  startServer,
];
