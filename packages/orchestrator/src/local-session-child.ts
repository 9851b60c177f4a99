// Child process of the end-to-end test: a session on the local GGUF engine with a scripted selector, killable at will.
// Usage: node --import tsx local-session-child.ts <create|resume> <dir> <total decisions> [hang after N decisions]
import { createLoom } from "@loom/core";
import { LocalGenerator } from "@loom/generators";
import { createSession, openSession } from "@loom/io";
import { createScriptedSelector, type SelectionContext } from "@loom/selectors";
import { Orchestrator } from "./orchestrator.js";

const [mode, dir, totalArg, hangArg] = process.argv.slice(2);
const modelPath =
  process.env["LOOM_TEST_MODEL"] ?? new URL("../../../../shared/models/stories260K.gguf", import.meta.url).pathname;
const total = Number(totalArg);
const hangAfter = hangArg === undefined ? Infinity : Number(hangArg);
const say = (line: Record<string, unknown>) => process.stdout.write(JSON.stringify(line) + "\n");

const resolved = (s: { loom: { decisions: Record<string, { action: unknown }> } }) =>
  Object.values(s.loom.decisions).filter((d) => d.action !== null).length;

/** Alternate the base model's favourite and its runner-up, so logprobGap is sometimes 0 and sometimes not. */
function rule(ctx: SelectionContext, index: number) {
  const ranked = [...ctx.candidates].sort((a, b) => (b.stepLogprob ?? -Infinity) - (a.stepLogprob ?? -Infinity));
  const pick = ranked[index % 2 === 0 || ranked.length < 2 ? 0 : 1]!;
  return {
    action: "choose" as const,
    choice: pick.id,
    ranking: ranked.map((c) => c.id),
    reason: index % 2 === 0 ? "favourite" : "runner-up",
  };
}

const session =
  mode === "create"
    ? await createSession(
        dir!,
        createLoom({
          seed: "Once upon a time, there was a little girl named Lily.",
          config: {
            generator: { provider: "local", model: "stories260K.gguf", branchingFactor: 4, segmentTokens: 6, seed: 42 },
            selector: { mode: "auto" },
            maxTokensTotal: 100_000,
          },
        }),
      )
    : await openSession(dir!);
const generator = new LocalGenerator({ modelPath, contextSize: 512, parallel: 4, threads: 1 });
let made = resolved(session);
const selector = createScriptedSelector(async (ctx) => {
  if (made >= hangAfter) {
    say({ event: "hang", decisionId: ctx.decisionId, candidates: ctx.candidates.map((c) => c.id) });
    await new Promise(() => {}); // wait here until killed
  }
  made++;
  return rule(ctx, resolved(session));
});
const orch = await Orchestrator.open({ session, generator, selector });
orch.on((e) => {
  if (e.type === "candidates") say({ event: "candidates", decisionId: e.decisionId, reused: e.reused });
});
const result = await orch.run({ maxSteps: total - resolved(session) });
say({ event: "done", result, decisions: resolved(session) });
await session.close();
await generator.close?.();
