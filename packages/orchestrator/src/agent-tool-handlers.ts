// The agentic selector's tools, implemented against a narrow step controller (the orchestrator owns every call and mutation).
import {
  applyTreeWork,
  changedBriefFields,
  clarifications,
  DEFAULT_DIVERGENCE_THRESHOLD,
  DEFAULT_TOKEN_DIVERGENCE_PROBABILITY,
  currentTip,
  divergences,
  getNode,
  heldPathRows,
  heldTip,
  lastDecisions,
  LoomError,
  rejectedAt,
  tokenDivergences,
  type DecisionEvent,
  type Loom,
} from "@loom/core";
import { type AgentToolResult, type AgentTools } from "@loom/selectors";
import { lastSentences } from "@loom/selectors/internal";
import type { AgentStepController } from "./agent-step-controller.js";
import { OrchestratorError } from "./orchestrator-error.js";

const fail = (content: string): AgentToolResult => ({ isError: true, content });

function summarise(d: DecisionEvent, loom: Loom) {
  return {
    decisionId: d.id,
    parentNodeId: d.parentNodeId,
    action: d.action,
    chosen: d.chosenNodeId ? { id: d.chosenNodeId, text: loom.nodes[d.chosenNodeId]?.text } : null,
    chosenBy: d.chosenBy,
    reason: d.reason,
    logprobGap: d.logprobGap,
    ...(d.clarificationQuestion ? { question: d.clarificationQuestion, answer: d.humanResponse } : {}),
  };
}

export function createAgentTools(orch: AgentStepController, signal?: AbortSignal): AgentTools {
  const loom = () => orch.loom;
  const showLogprobs = () => loom().config.selector.showLogprobs;
  const signalOf = (s?: AbortSignal) => s ?? signal;

  const loomErrors = async (fn: () => Promise<AgentToolResult>): Promise<AgentToolResult> => {
    try {
      return await fn();
    } catch (error) {
      // The model's mistakes (unknown ids, wrong state) go back to it; anything else ends the step.
      if (LoomError.isInstance(error) || OrchestratorError.isInstance(error)) return fail((error as Error).message);
      throw error;
    }
  };

  return {
    generateCandidates: (input, s) =>
      loomErrors(async () => {
        const l = loom();
        if (input.parentNodeId && input.parentNodeId !== currentTip(l)) {
          getNode(l, input.parentNodeId);
          orch.moveTo(input.parentNodeId);
        }
        const pending = orch.pendingAtTip();
        if (pending) {
          return fail(
            pending.answered
              ? `decision ${pending.decision.id} is waiting for your choice after the human's answer: call commit_choice or stop_generation`
              : `decision ${pending.decision.id} is waiting for the human's answer`,
          );
        }
        const tokens = orch.pathTokens();
        const max = l.config.maxTokensTotal;
        if (tokens >= max)
          return fail(`the piece has reached its token budget (${tokens} of ${max} tokens): call stop_generation`);
        const sig = signalOf(s);
        const step = await orch.candidates({
          ...(input.n ? { n: input.n } : {}),
          ...(input.maxTokens ? { maxTokens: input.maxTokens } : {}),
          ...(sig ? { signal: sig } : {}),
        });
        return {
          content: {
            decisionId: step.decisionId,
            parentNodeId: step.parentNodeId,
            textEndsWith: lastSentences(orch.currentText(), 2),
            candidates: step.candidates.map((c) => ({
              id: c.id,
              text: c.text,
              ...(showLogprobs() ? { logprob: c.stepLogprob } : {}),
            })),
            tokens: { used: tokens, max },
          },
        };
      }),

    commitChoice: (input) =>
      loomErrors(async () => {
        const decision = orch.actionable();
        if (!decision) return fail("there are no candidates to choose from at the tip: call generate_candidates first");
        if (!decision.candidateNodeIds.includes(input.candidateId)) {
          return fail(
            `"${input.candidateId}" is not a candidate of decision ${decision.id}; candidates: ${decision.candidateNodeIds.join(", ")}`,
          );
        }
        const d = orch.commit(decision.id, {
          action: "choose",
          chosenNodeId: input.candidateId,
          chosenBy: "selector_llm",
          reason: input.reason,
          ranking: input.ranking ?? null,
          candidateScores: input.scores ?? {},
        });
        return {
          outcome: "committed",
          content: {
            committed: input.candidateId,
            logprobGap: d.logprobGap,
            textEndsWith: lastSentences(orch.currentText(), 2),
            tokens: { used: orch.pathTokens(), max: loom().config.maxTokensTotal },
          },
        };
      }),

    requestHumanInput: (input, s) =>
      loomErrors(async () => {
        if (!orch.canAskHuman) return fail("no human is available in this session: decide yourself");
        const decision = orch.actionable();
        if (!decision || decision.action !== null)
          return fail("there is no open decision to ask about: call generate_candidates first");
        const unknown = input.candidatesInTension.filter((id) => !decision.candidateNodeIds.includes(id));
        if (unknown.length)
          return fail(`candidatesInTension names ids that are not candidates of ${decision.id}: ${unknown.join(", ")}`);
        const answer = await orch.ask(decision.id, input, signalOf(s));
        if (answer.decision) {
          return {
            outcome: answer.decision.action === "stop" ? "stopped" : "committed",
            content: {
              answer: answer.answer,
              note: `the human decided themselves (${answer.decision.action}); it is recorded`,
            },
          };
        }
        return {
          content: { answer: answer.answer, next: "now call commit_choice (or stop_generation) for this decision" },
        };
      }),

    stopGeneration: (input) =>
      loomErrors(async () => {
        orch.stop(input.reason);
        return { outcome: "stopped", content: { stopped: true } };
      }),

    updateBrief: (input, s) =>
      loomErrors(async () => {
        const current = loom().brief;
        const proposed = { ...current, ...input.changes };
        const changed = changedBriefFields(current, proposed);
        if (changed.length === 0) return fail("the proposed values are the brief's current ones: nothing to change");
        const pending = orch.proposeBrief(proposed, changed, input.reason, signalOf(s));
        if (!pending)
          return fail("no human is available to approve a brief change in this session: the brief stays as it is");
        const answer = await pending;
        return {
          content: answer.approved
            ? { approved: true, briefVersion: answer.version, changed, ...(answer.note ? { note: answer.note } : {}) }
            : { approved: false, briefVersion: answer.version, ...(answer.note ? { note: answer.note } : {}) },
        };
      }),

    updateSummary: (input) =>
      loomErrors(async () => {
        const made = orch.summarize(input.summary);
        return { content: { ...made, note: "the summary stands in for the middle from the next view on" } };
      }),

    holdPath: (input) =>
      loomErrors(async () => {
        const l = loom();
        const tip = input.nodeId ?? currentTip(l);
        getNode(l, tip);
        if (heldTip(l, tip)) return fail(`the path ending at ${tip} is already held`);
        orch.paths((x) => applyTreeWork(x, { action: "hold", nodeId: tip }).op);
        return { content: { held: `h${l.heldPaths.length}`, tipId: tip, heldPaths: heldPathRows(l) } };
      }),

    switchPath: (input) =>
      loomErrors(async () => {
        const l = loom();
        const tip = heldTip(l, input.to) ?? getNode(l, input.to).id;
        orch.paths((x) => applyTreeWork(x, { action: "switch", nodeId: tip }).op);
        return {
          content: {
            tipId: tip,
            textEndsWith: lastSentences(orch.currentText(), 2),
            tokens: { used: orch.pathTokens(), max: l.config.maxTokensTotal },
            heldPaths: heldPathRows(l),
            next: "call generate_candidates to continue from here",
          },
        };
      }),

    queryLoom: (input) =>
      loomErrors(async () => {
        const l = loom();
        const p = input.params ?? {};
        switch (input.queryType) {
          case "last_n_decisions":
            return { content: lastDecisions(l, p.n ?? 5).map((d) => summarise(d, l)) };
          case "rejected_at": {
            const path = l.currentPath;
            const nodeId = p.nodeId ?? path[Math.max(0, path.length - 2)]!;
            return {
              content: {
                nodeId,
                rejected: rejectedAt(l, nodeId).map((n) => ({ id: n.id, text: n.text, logprob: n.stepLogprob })),
              },
            };
          }
          case "find_divergences":
            return { content: divergences(l, p.threshold ?? DEFAULT_DIVERGENCE_THRESHOLD).map((d) => summarise(d, l)) };
          case "find_clarifications":
            return { content: clarifications(l).map((d) => summarise(d, l)) };
          case "find_token_divergences":
            return {
              content: tokenDivergences(l, {
                maxProbability: p.maxProbability ?? DEFAULT_TOKEN_DIVERGENCE_PROBABILITY,
              }).map((t) => ({
                nodeId: t.nodeId,
                tokenIndex: t.tokenIndex,
                text: t.text,
                probability: Math.exp(t.logprob),
                favourite: { text: t.argmax.text, probability: Math.exp(t.argmax.logprob) },
              })),
            };
        }
      }),
  };
}
