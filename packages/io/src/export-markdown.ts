// Exports a loom as Markdown: the current path's text, optionally followed by every other branch from where it diverges.
import {
  candidateScoreRows,
  childrenOf,
  decisionRows,
  pathText,
  rootPath,
  scoreCriteria,
  type DecisionEvent,
  type Loom,
} from "@loom/core";
import { visibleLoom } from "@loom/core/internal";

export interface MarkdownExportOptions {
  /** Also list every other branch (each leaf not on the current path), from the point where it leaves the current path. */
  branches?: boolean;
  /** Characters of shared text shown before a branch's own text (default 80). */
  context?: number;
  /** Also list the decisions along the current path: who chose and why, and each candidate's rank and scores. */
  decisions?: boolean;
}

/** Leaves of the tree (nodes without children), in creation order. */
export function leavesOf(loom: Loom): string[] {
  return Object.keys(loom.nodes).filter((id) => childrenOf(loom, id).length === 0);
}

/** The current text, and with options the other branches and the decisions; pruned subtrees are not shown. */
export function exportMarkdown(whole: Loom, options: MarkdownExportOptions = {}): string {
  const loom = visibleLoom(whole);
  const title = loom.brief.title || `Loom session ${loom.sessionId}`;
  const out = [`# ${title}`, "", pathText(loom, loom.currentPath), ""];
  if (options.decisions) out.push(...decisionsSection(loom));
  if (!options.branches) return out.join("\n");
  const context = options.context ?? 80;
  const onCurrent = new Set(loom.currentPath);
  const held = new Set(loom.heldPaths.map((p) => p[p.length - 1]!));
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  const leaves = leavesOf(loom).filter((id) => id !== tip);
  out.push("## Branches", "");
  if (leaves.length === 0) out.push("_No other branches._", "");
  let n = 0;
  for (const leaf of leaves) {
    const path = rootPath(loom, leaf);
    let split = 0;
    while (split < path.length && onCurrent.has(path[split]!)) split++;
    const shared = pathText(loom, path.slice(0, split));
    const own = pathText(loom, path.slice(split));
    const lead = shared.length > context ? `…${shared.slice(-context)}` : shared;
    out.push(
      `### Branch ${++n}${held.has(leaf) ? " (held)" : ""}`,
      "",
      `Leaves the current path after node \`${path[split - 1] ?? "(root)"}\`; ends at \`${leaf}\`.`,
      "",
    );
    // The shared lead-in is quoted; the branch's own text follows in bold so the divergence is visible.
    out.push(`> ${`${lead}${emphasise(own)}`.replace(/\n/g, "\n> ")}`, "");
  }
  return out.join("\n");
}

/** Bold each line of `text`, keeping whitespace outside the markers (CommonMark ignores "** x**"). */
function emphasise(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const m = /^(\s*)(.*?)(\s*)$/s.exec(line)!;
      return m[2] ? `${m[1]}**${m[2]!.replace(/\*/g, "\\*")}**${m[3]}` : line;
    })
    .join("\n");
}

/** A table cell: one line, pipes escaped. */
const cell = (text: string) => text.replace(/\n/g, "⏎").replace(/\|/g, "\\|");

/** The decided steps of the current path, each with its candidates as the selector ranked and scored them. */
function decisionsSection(loom: Loom): string[] {
  const onPath = new Set(loom.currentPath);
  const decided = Object.values(loom.decisions).filter(
    (d): d is DecisionEvent & { action: "choose" | "stop" } =>
      onPath.has(d.parentNodeId) && (d.action === "choose" || d.action === "stop"),
  );
  const rows = decisionRows(loom, decided).sort((a, b) => a.step - b.step);
  const out = ["## Decisions", ""];
  if (rows.length === 0) out.push("_No decisions yet._", "");
  for (const { decision: d, step } of rows) {
    out.push(`### Step ${step}: ${d.action}${d.chosenBy ? ` (${d.chosenBy})` : ""}`, "");
    if (d.reason) out.push(`Why: ${d.reason.replace(/\n/g, " ")}`, "");
    const criteria = scoreCriteria(d);
    out.push(
      `| rank | candidate | logprob |${criteria.map((k) => ` ${cell(k)} |`).join("")} outcome |`,
      `| ---: | --- | ---: |${criteria.map(() => " ---: |").join("")} --- |`,
    );
    for (const r of candidateScoreRows(loom, d)) {
      const scores = criteria.map((k) => ` ${r.scores[k] ?? "–"} |`).join("");
      const lp = r.stepLogprob === null ? "–" : r.stepLogprob.toFixed(2);
      out.push(
        `| ${r.rank ?? "–"} | ${cell(JSON.stringify(r.text))} | ${lp} |${scores} ${r.chosen ? "chosen" : "–"} |`,
      );
    }
    out.push("");
  }
  return out;
}
