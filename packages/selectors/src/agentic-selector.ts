// The agentic selector: a tool-using chat model that drives the loop one step at a time, its conversation kept across steps.
import { currentText, pieceView, type Loom, type PieceView } from "@loom/core";
import type { AgentChatModel, AgentMessage, AgentToolResultMessage } from "./agent-chat-model.js";
import { emptyConversation, trimConversation, type AgentConversationState } from "./agent-conversation.js";
import { buildAgentOpening, buildAgentSystemPrompt, buildAgentView, VIEW_CLOSE, VIEW_OPEN } from "./agent-prompt.js";
import { agentToolDefinitions, runAgentTool, type AgentTools } from "./agent-tool-contract.js";
import type { ModelUsage } from "./model-usage.js";
import { SelectorError } from "./selector-error.js";

export interface AgenticSelectorOptions {
  model: AgentChatModel;
  /** Model calls allowed for one step (one committed choice) before the step is abandoned (default 12). */
  maxTurnsPerStep?: number;
  /** Total input + output tokens the agent may spend over the whole session (default: unlimited). */
  maxAgentTokens?: number;
  /** Keep the saved conversation under about this many tokens by dropping old exchanges (default 50,000). */
  conversationBudgetTokens?: number;
}

export interface AgentStepContext {
  loom: Loom;
  tools: AgentTools;
  /** Whether request_human_input can reach anyone. */
  allowClarify: boolean;
  /** Save the conversation (the orchestrator writes it with the session); called after every change. */
  persist?: (state: AgentConversationState) => Promise<void>;
  /** What to show of the piece at this decision (core's pieceView); computed from the loom when absent. */
  view?: PieceView;
  /** Text to tell the model before it continues (e.g. "the human went back one step"). */
  note?: string;
  reportUsage?: (usage: ModelUsage) => void;
  signal?: AbortSignal;
}

export type AgentStepOutcome =
  | { kind: "committed" }
  | { kind: "stopped" }
  /** The model ended its turn twice without a tool call. */
  | { kind: "idle"; text: string }
  | { kind: "turn-limit"; turns: number };

export interface AgenticSelector {
  readonly kind: "agentic";
  readonly chosenBy: "selector_llm";
  readonly model: AgentChatModel;
  /** The conversation so far (null before the first step). */
  conversation(): AgentConversationState | null;
  /** Continue a saved conversation (from `session.readState`). */
  restore(state: AgentConversationState | null): void;
  /** Run the model until it commits a choice or stops (or a budget runs out). */
  step(ctx: AgentStepContext): Promise<AgentStepOutcome>;
}

const NUDGE =
  "Continue with a tool call: generate_candidates, commit_choice, request_human_input, stop_generation, query_loom, update_summary, hold_path or switch_path.";
/**
 * Earlier views of the piece in the conversation become a stub: the latest view is the one that counts, and a
 * long piece's view at every step would fill the conversation's budget.
 */
function stubViews(messages: AgentMessage[]): void {
  for (const m of messages) {
    const c = m["content"];
    if (typeof c !== "string") continue;
    const a = c.indexOf(VIEW_OPEN);
    const b = c.indexOf(VIEW_CLOSE);
    if (a < 0 || b < a) continue;
    m["content"] =
      `${c.slice(0, a)}(an earlier view of the piece; the latest is further on)${c.slice(b + VIEW_CLOSE.length)}`;
  }
}

const INTERRUPTED =
  "not executed: the session was interrupted before this call finished and has been resumed. Check the current state (generate_candidates re-presents any open candidates) before going on.";

export function createAgenticSelector(options: AgenticSelectorOptions): AgenticSelector {
  const model = options.model;
  const maxTurns = options.maxTurnsPerStep ?? 12;
  const budget = options.conversationBudgetTokens ?? 50_000;
  const tools = agentToolDefinitions();
  let state: AgentConversationState | null = null;

  return {
    kind: "agentic",
    chosenBy: "selector_llm",
    model,
    conversation: () => state,
    restore(saved) {
      if (saved && (saved.version !== 1 || !Array.isArray(saved.messages))) {
        throw new SelectorError(
          "configuration",
          "the saved agent conversation (state/agent.json) has an unknown format; delete it to start a fresh conversation",
        );
      }
      state = saved ? structuredClone(saved) : null;
    },
    async step(ctx: AgentStepContext): Promise<AgentStepOutcome> {
      const persist = async () => {
        if (ctx.persist && state) await ctx.persist(state);
      };
      const view = ctx.view ?? pieceView(ctx.loom, currentText(ctx.loom), ctx.loom.config.selector.viewTokens);
      if (!state || state.messages.length === 0) {
        state = emptyConversation(model, buildAgentSystemPrompt(ctx.loom, { allowClarify: ctx.allowClarify }));
        state.briefVersion = ctx.loom.briefVersion;
        state.messages.push(
          ...model.userMessage(buildAgentOpening(ctx.loom, view, { maxTokensTotal: ctx.loom.config.maxTokensTotal })),
        );
        if (ctx.note) state.messages.push(...model.userMessage(ctx.note));
      } else {
        if ((state.briefVersion ?? 1) !== ctx.loom.briefVersion) {
          // The brief changed since the system prompt was written: the next decision is made under the new one.
          state.system = buildAgentSystemPrompt(ctx.loom, { allowClarify: ctx.allowClarify });
          state.briefVersion = ctx.loom.briefVersion;
        }
        const last = state.messages[state.messages.length - 1]!;
        const dangling = model.toolCallsOf(last);
        if (dangling.length) {
          // A crash between the model's call and its results: answer every call so the conversation is valid again.
          state.messages.push(
            ...model.toolResultMessages(
              dangling.map((c) => ({ ...c, content: INTERRUPTED, isError: true })),
              ctx.note,
            ),
          );
        }
        // Every decision starts from the piece as it is now (the note, if any, goes with it).
        stubViews(state.messages);
        const viewText = buildAgentView(ctx.loom, view);
        state.messages.push(
          ...model.userMessage(!dangling.length && ctx.note ? `${ctx.note}\n\n${viewText}` : viewText),
        );
      }
      await persist();

      let idle = 0;
      for (let turn = 1; turn <= maxTurns; turn++) {
        if (ctx.signal?.aborted) throw new SelectorError("aborted", "agent step aborted");
        const spent = state.usage.inputTokens + state.usage.outputTokens;
        if (options.maxAgentTokens !== undefined && spent >= options.maxAgentTokens) {
          throw new SelectorError(
            "budget",
            `the agent's token budget is spent (${spent} of ${options.maxAgentTokens} tokens)`,
          );
        }
        trimConversation(state, model, budget);
        const response = await model.call({
          // Dropped exchanges are mentioned in the system prompt, which keeps the message alternation valid.
          system: state.trimmedExchanges
            ? `${state.system}\n\n(${state.trimmedExchanges} earlier exchanges of this conversation were trimmed to fit a budget; query_loom recalls past decisions.)`
            : state.system,
          messages: state.messages,
          tools,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        state.usage.inputTokens += response.inputTokens;
        state.usage.outputTokens += response.outputTokens;
        state.usage.requests += 1;
        ctx.reportUsage?.({
          provider: model.provider,
          model: model.model,
          inputTokens: response.inputTokens,
          outputTokens: response.outputTokens,
          requests: 1,
        });
        if (response.message) state.messages.push(response.message);
        await persist();

        if (response.toolCalls.length === 0) {
          if (++idle >= 2) return { kind: "idle", text: response.text };
          state.messages.push(...model.userMessage(NUDGE));
          await persist();
          continue;
        }
        idle = 0;
        const results: AgentToolResultMessage[] = [];
        let outcome: "committed" | "stopped" | undefined;
        for (const call of response.toolCalls) {
          let result;
          if (outcome) {
            result = {
              isError: true,
              content: `not executed: this step already ended with ${outcome === "committed" ? "commit_choice" : "stop_generation"}; call it again in your next turn`,
            };
          } else if (call.inputError) {
            result = { isError: true, content: `invalid input for ${call.name}: ${call.inputError}` };
          } else {
            result = await runAgentTool(ctx.tools, call.name, call.input, ctx.signal);
            if (result.outcome) outcome = result.outcome;
          }
          results.push({
            id: call.id,
            name: call.name,
            content: typeof result.content === "string" ? result.content : JSON.stringify(result.content),
            isError: result.isError ?? false,
          });
        }
        state.messages.push(...model.toolResultMessages(results));
        await persist();
        if (outcome) return { kind: outcome };
      }
      return { kind: "turn-limit", turns: maxTurns };
    },
  };
}
