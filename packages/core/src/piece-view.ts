// What an LLM selector is shown of the piece at a decision, within a token budget: the whole text when it fits, else the opening, the middle's summary and the recent passage. Both selectors use this one rule; the decision records the cut.
import type { Loom } from "./loom.js";
import type { PieceSummary } from "./piece-summary.js";
import { estimateTextTokens, type PieceViewRecord } from "./piece-view-record.js";

/** The parts to show (texts) and the record of them. */
export interface PieceView {
  record: PieceViewRecord;
  opening: string;
  summary: { text: string; version: number; throughNodeId: string } | null;
  /** Null when nothing is elided. */
  elided: { chars: number; tokens: number } | null;
  recent: string;
  /** The last node of the current path wholly before the recent passage (what a new summary would cover through). */
  summarisableThrough: string | null;
}

/** The budget's shares when the piece is cut: the rest of the budget is the summary's. */
const OPENING_SHARE = 0.25;
const RECENT_SHARE = 0.5;
/** How far a cut may move to land on whitespace rather than inside a word. */
const SNAP = 40;

const span = (s: string) => ({ chars: s.length, tokens: estimateTextTokens(s.length) });

/** The end of the current path's nodes as character offsets into the text, and the id of each. */
function nodeEnds(loom: Loom): { id: string; end: number }[] {
  let end = 0;
  return loom.currentPath.map((id) => {
    end += loom.nodes[id]!.text.length;
    return { id, end };
  });
}

function snapBack(text: string, at: number): number {
  for (let i = at; i > at - SNAP && i > 0; i--) if (/\s/.test(text[i - 1]!)) return i;
  return at;
}

function snapForward(text: string, at: number): number {
  for (let i = at; i < at + SNAP && i < text.length; i++) if (/\s/.test(text[i]!)) return i + 1;
  return at;
}

/**
 * The view of the current path's `text` (the loom's current text) within `budgetTokens`. A summary is used when
 * it covers through a node on the current path and reaches past the opening; the middle it does not cover is
 * elided and counted, never made up.
 */
export function pieceView(loom: Loom, text: string, budgetTokens: number): PieceView {
  const total = span(text);
  if (total.tokens <= budgetTokens) {
    const tip = loom.currentPath[loom.currentPath.length - 1]!;
    return {
      record: {
        shown: "whole",
        budgetTokens,
        total,
        opening: total,
        summary: null,
        elided: null,
        recent: { chars: 0, tokens: 0 },
      },
      opening: text,
      summary: null,
      elided: null,
      recent: "",
      summarisableThrough: tip,
    };
  }
  const openingEnd = snapBack(text, Math.floor(budgetTokens * OPENING_SHARE * 4));
  const ends = nodeEnds(loom);
  // The recent passage starts where a segment does when one is near (so a summary through the segment before
  // leaves nothing between them), else between words.
  const from = text.length - Math.floor(budgetTokens * RECENT_SHARE * 4);
  const boundary = ends.find((n) => n.end >= from)?.end;
  const recentStart = Math.max(
    openingEnd,
    boundary !== undefined && boundary < from + SNAP ? boundary : snapForward(text, from),
  );
  let summarisableThrough: string | null = null;
  for (const n of ends) {
    if (n.end > recentStart) break;
    summarisableThrough = n.id;
  }
  const stored: PieceSummary | null = loom.pieceSummary;
  const coverEnd = stored ? ends.find((n) => n.id === stored.throughNodeId)?.end : undefined;
  let summary: PieceView["summary"] = null;
  let summaryRecord: PieceViewRecord["summary"] = null;
  let elidedFrom = openingEnd;
  if (stored && coverEnd !== undefined && coverEnd > openingEnd) {
    const room = Math.max(
      0,
      budgetTokens - estimateTextTokens(openingEnd) - estimateTextTokens(text.length - recentStart),
    );
    const cut = estimateTextTokens(stored.text.length) > room;
    const shown = cut ? `${stored.text.slice(0, Math.max(0, room * 4 - 1))}…` : stored.text;
    summary = { text: shown, version: stored.version, throughNodeId: stored.throughNodeId };
    summaryRecord = { ...span(shown), version: stored.version, throughNodeId: stored.throughNodeId, cut };
    elidedFrom = Math.min(recentStart, Math.max(openingEnd, coverEnd));
  }
  const elidedChars = recentStart - elidedFrom;
  const elided = elidedChars > 0 ? { chars: elidedChars, tokens: estimateTextTokens(elidedChars) } : null;
  const opening = text.slice(0, openingEnd);
  const recent = text.slice(recentStart);
  return {
    record: {
      shown: "cut",
      budgetTokens,
      total,
      opening: span(opening),
      summary: summaryRecord,
      elided,
      recent: span(recent),
    },
    opening,
    summary,
    elided,
    recent,
    summarisableThrough,
  };
}
