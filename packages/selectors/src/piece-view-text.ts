// The piece as an LLM selector reads it in a prompt: core's pieceView (whole, or opening + middle summary + recent passage) written out with plain markers.
import type { PieceView } from "@loom/core";

const n = (x: number) => x.toLocaleString("en-US");

/** The view as prompt text; an elided middle is said plainly, with its size, never filled in. */
export function pieceViewText(view: PieceView): string {
  const r = view.record;
  if (r.shown === "whole") return ["<whole_piece>", view.opening, "</whole_piece>"].join("\n");
  const parts = [
    `The piece is ${n(r.total.chars)} characters (~${n(r.total.tokens)} tokens), more than the ${n(r.budgetTokens)}-token view: you see its opening, ${view.summary ? "a summary of the middle, " : ""}and the recent passage.`,
    "<piece_opening>",
    view.opening,
    "</piece_opening>",
  ];
  if (view.summary) {
    parts.push(
      `<middle_summary version="${view.summary.version}" through_node="${view.summary.throughNodeId}">`,
      view.summary.text,
      "</middle_summary>",
    );
  }
  if (view.elided) {
    parts.push(
      view.summary
        ? `[… ${n(view.elided.chars)} characters (~${n(view.elided.tokens)} tokens) after the summary's end are not shown and not summarised yet …]`
        : `[… the middle, ${n(view.elided.chars)} characters (~${n(view.elided.tokens)} tokens), is not shown; no summary of it has been written yet …]`,
    );
  }
  parts.push("<recent_passage>", view.recent, "</recent_passage>");
  return parts.join("\n");
}
