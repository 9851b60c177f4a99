// The agent's proposed brief change as the keyboard shows it: its reason, then each changed field before and after.
import type { BriefChangeRequest } from "@loom/selectors";
import type { Colors } from "../cli/colors.js";
import { snippet } from "../render/snippet.js";

const shown = (value: unknown): string => {
  if (Array.isArray(value)) return value.length ? value.map((v) => `“${snippet(String(v), 60)}”`).join(", ") : "(none)";
  const text = String(value ?? "");
  return text ? `“${snippet(text, 200)}”` : "(empty)";
};

export function renderBriefChange(request: BriefChangeRequest, c: Colors): string {
  const current = request.current as unknown as Record<string, unknown>;
  const proposed = request.proposed as unknown as Record<string, unknown>;
  return [
    c.magenta(c.bold("The selector proposes a change to the brief: ")) + request.reason,
    ...request.changed.flatMap((field) => [
      `  ${c.bold(field)}`,
      `    ${c.dim("now:")} ${shown(current[field])}`,
      `    ${c.green("new:")} ${shown(proposed[field])}`,
    ]),
  ].join("\n");
}
