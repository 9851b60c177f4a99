// Turns a session's records (compact nodes, decisions, settings) into SessionFacts: positions, diversity, stop kind, length.
import { SAMPLING_PRESETS, stepCounter, type Brief, type DecisionEvent, type SessionConfig } from "@loom/core";
import type { TextNumbers } from "@loom/io/internal";
import { DiversityCounter, overlapUnits } from "./candidate-diversity.js";
import type { NodeLite } from "./compact-session.js";
import type { DecisionFacts, ModelUsageTotals, SessionFacts, StopKind } from "./session-facts.js";

/** The loom's fields besides its nodes and decisions that the facts need. */
export interface FactsHead {
  sessionId: string;
  currentPath: string[];
  brief: Brief;
  config: SessionConfig;
}

/** The preset whose sampling values the generator settings equal exactly, or "custom". */
export function presetOf(generator: SessionConfig["generator"]): string {
  for (const [name, p] of Object.entries(SAMPLING_PRESETS)) {
    if (
      generator.segmentTokens === p.segmentTokens &&
      generator.branchingFactor === p.branchingFactor &&
      generator.temperature === p.temperature &&
      generator.topP === p.topP
    )
      return name;
  }
  return "custom";
}

/** Tokens of a node as the token budget counts them (core's nodeTokenCount, on the compact node). */
const tokenCount = (n: NodeLite) =>
  n.origin === "seed" ? 0 : (n.tokenNumbers?.length ?? Math.ceil(n.text.length / 4));

function stopOf(head: FactsHead, decisions: DecisionEvent[], tokens: number): SessionFacts["stop"] {
  const tip = head.currentPath[head.currentPath.length - 1];
  const pending = decisions.find((d) => d.action === "clarify");
  if (pending) return { kind: "awaiting-clarification", reason: pending.clarificationQuestion };
  const openAtTip = decisions.some((d) => d.action === null && d.parentNodeId === tip);
  const stopped = decisions.filter((d) => d.action === "stop" && d.parentNodeId === tip);
  const last = stopped.sort((a, b) => ((a.resolvedAt ?? "") < (b.resolvedAt ?? "") ? -1 : 1)).at(-1);
  let kind: StopKind = "open";
  if (last && !openAtTip) kind = "selector";
  else if (tokens >= head.config.maxTokensTotal) kind = "max-tokens";
  else if (head.config.maxSteps !== null && head.currentPath.length - 1 >= head.config.maxSteps) kind = "max-steps";
  return { kind, reason: kind === "selector" ? (last?.reason ?? null) : null };
}

export function factsOf(input: {
  dir: string;
  head: FactsHead;
  /** By id. */
  nodes: ReadonlyMap<string, NodeLite>;
  /** The numbering of the nodes' token texts (words are numbered in it too). */
  tokenTexts: TextNumbers;
  decisions: DecisionEvent[];
  usage: ModelUsageTotals[] | null;
  warnings: string[];
}): SessionFacts {
  const { head, nodes } = input;
  const stepOf = stepCounter({ nodes });
  const steps = head.currentPath.length - 1;
  let pathTokens = 0;
  let chars = 0;
  for (const id of head.currentPath) {
    const n = nodes.get(id);
    if (!n) continue;
    pathTokens += tokenCount(n);
    chars += n.text.length;
  }
  let generatedTokens = 0;
  for (const n of nodes.values()) if (n.origin === "generated") generatedTokens += tokenCount(n);
  const counter = new DiversityCounter(input.tokenTexts);
  // The offered candidates' texts and units, refilled for each decision.
  const texts: string[] = [];
  const units: (readonly number[])[] = [];
  const decisions: DecisionFacts[] = input.decisions.map((d) => {
    const step = nodes.has(d.parentNodeId) ? stepOf(d.parentNodeId) : 1;
    texts.length = 0;
    units.length = 0;
    for (const id of d.candidateNodeIds) {
      const n = nodes.get(id);
      if (!n) continue;
      texts.push(n.text);
      units.push(overlapUnits(n.text, n.tokenNumbers, input.tokenTexts));
    }
    const diversity = counter.measure(texts, units);
    return {
      id: d.id,
      step,
      // The step's middle: with n steps, the first sits at 1/2n and the last at 1 − 1/2n, symmetric in the piece.
      position: steps > 0 ? Math.min(1, (step - 0.5) / steps) : 0,
      action: d.action,
      chosenBy: d.chosenBy,
      chosenNodeId: d.chosenNodeId,
      ranking: d.ranking,
      reason: d.reason,
      maxLogprob: d.maxLogprob,
      chosenLogprob: d.chosenLogprob,
      logprobGap: d.logprobGap,
      candidates: d.candidateNodeIds.length,
      distinctTexts: diversity.distinctTexts,
      meanPairwiseOverlap: diversity.meanPairwiseOverlap,
      clarification:
        d.clarificationQuestion === null
          ? null
          : {
              question: d.clarificationQuestion,
              whatHingesOnIt: d.whatHingesOnIt,
              candidatesInTension: d.candidatesInTension ?? [],
              humanResponse: d.humanResponse,
            },
    };
  });
  decisions.sort((a, b) => a.step - b.step);
  const { generator, selector } = head.config;
  return {
    dir: input.dir,
    sessionId: head.sessionId,
    briefTitle: head.brief.title ? head.brief.title : null,
    generator: { provider: generator.provider, model: generator.model },
    selector: { mode: selector.mode, model: selector.model },
    preset: presetOf(generator),
    stop: stopOf(head, input.decisions, pathTokens),
    piece: { steps, tokens: pathTokens, chars },
    generatedTokens,
    usage: input.usage,
    decisions,
    warnings: input.warnings,
  };
}
