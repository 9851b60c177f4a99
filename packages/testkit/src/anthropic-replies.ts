// Anthropic Messages API replies for agent tests on the replay server, shaped as the API documents them, and the tool results the agent sent back.
import type { RecordedRequest } from "./replay-server.js";

/** A reply calling one tool (tool_use content, usage with the cache fields); `tag` keeps ids distinct per test file. */
export function anthropicToolReply(n: number, name: string, input: unknown, tag = "Test") {
  return {
    id: `msg_01${tag}${n}`,
    type: "message",
    role: "assistant",
    model: "claude-sonnet-5-5",
    content: [{ type: "tool_use", id: `toolu_01${tag}${n}`, name, input }],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 1500, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

/** The last tool result the agent sent in `request`, as sent (an error result is plain text, not JSON). */
export function lastToolResultText(request: RecordedRequest): string {
  const messages = (request.json as { messages: { content: unknown }[] }).messages;
  const blocks = messages.at(-1)!.content as { type: string; content: string }[];
  const block = blocks.find((b) => b.type === "tool_result");
  if (!block) throw new Error("the request's last message holds no tool_result");
  return block.content;
}

/** The parsed JSON of the last tool result the agent sent in `request` (its answer from the orchestrator's tool). */
export function lastToolResult(request: RecordedRequest): unknown {
  return JSON.parse(lastToolResultText(request)) as unknown;
}
