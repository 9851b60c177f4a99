// The stateless LLM selector: one structured call per decision, one repair of invalid output, one retry, then an error.
import { currentText, pieceView } from "@loom/core";
import { checkDecision } from "./decision.js";
import type { DecisionModel, DecisionReply } from "./decision-model.js";
import { SelectorError } from "./selector-error.js";
import type { SelectionContext, SelectionOutcome, Selector } from "./selector.js";
import { buildStatelessPrompt } from "./stateless-prompt.js";

export interface StatelessSelectorOptions {
  model: DecisionModel;
  /** Show candidates' logprobs to the model (default: the session's `config.selector.showLogprobs`). */
  showLogprobs?: boolean;
  /** Fresh attempts after the first one fails even after its repair (default 1). */
  retries?: number;
  /** Tokens of the piece shown at a decision (default: the session's `config.selector.viewTokens`). */
  viewTokens?: number;
}

export function createStatelessSelector(options: StatelessSelectorOptions): Selector {
  const retries = options.retries ?? 1;
  return {
    kind: "stateless",
    chosenBy: "selector_llm",
    async select(ctx: SelectionContext): Promise<SelectionOutcome> {
      const allowClarify = ctx.allowClarify ?? false;
      const fullText = currentText(ctx.loom);
      const view = ctx.view ?? pieceView(ctx.loom, fullText, options.viewTokens ?? ctx.loom.config.selector.viewTokens);
      const prompt = buildStatelessPrompt({
        brief: ctx.loom.brief,
        fullText,
        view,
        candidates: ctx.candidates,
        showLogprobs: options.showLogprobs ?? ctx.loom.config.selector.showLogprobs,
        allowClarify,
        ...(ctx.clarification ? { clarification: ctx.clarification } : {}),
      });
      const rules = { candidateIds: ctx.candidates.map((c) => c.id), allowClarify };
      const attempts: { output: string; error: string }[] = [];
      const call = async (repair?: { reply: DecisionReply; error: string }) => {
        if (ctx.signal?.aborted) throw new SelectorError("aborted", "selection aborted");
        const reply = await options.model.decide(prompt, {
          ...(ctx.signal ? { signal: ctx.signal } : {}),
          ...(repair ? { repair } : {}),
        });
        ctx.reportUsage?.({
          provider: options.model.provider,
          model: options.model.model,
          inputTokens: reply.inputTokens,
          outputTokens: reply.outputTokens,
          requests: 1,
        });
        const check =
          reply.parseError !== undefined
            ? { ok: false as const, error: reply.parseError }
            : checkDecision(reply.value, rules);
        if (!check.ok) attempts.push({ output: reply.raw, error: check.error });
        return { reply, check };
      };
      for (let round = 0; round <= retries; round++) {
        const first = await call();
        if (first.check.ok) return first.check.decision;
        const repaired = await call({ reply: first.reply, error: first.check.error });
        if (repaired.check.ok) return repaired.check.decision;
      }
      throw new SelectorError(
        "invalid_output",
        `${options.model.provider} model ${options.model.model} gave no valid decision in ${attempts.length} replies; last problem: ${attempts[attempts.length - 1]?.error}`,
        { attempts },
      );
    },
  };
}
