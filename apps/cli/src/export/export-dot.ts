// The Graphviz DOT export: every node, the current path bold and coloured, rejected candidates dashed and grey.
import { childrenOf, type Loom } from "@loom/core";
import { visibleLoom } from "@loom/core/internal";

function label(text: string, max = 40): string {
  const flat = text.replace(/\s+/g, " ");
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  // DOT strings: escape backslashes and quotes.
  return cut.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

/** The tree as a DOT graph; pruned subtrees are not drawn. */
export function exportDot(whole: Loom): string {
  const loom = visibleLoom(whole);
  const onPath = new Set(loom.currentPath);
  const lines = [
    `digraph "${label(loom.sessionId)}" {`,
    "  rankdir=LR;",
    '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=10];',
    "  edge [color=gray50];",
  ];
  for (const node of Object.values(loom.nodes)) {
    const lp = node.stepLogprob === null ? "" : `\\n${node.stepLogprob.toFixed(2)}`;
    const attrs = [`label="${label(node.text)}${lp}"`];
    if (onPath.has(node.id)) attrs.push('style="rounded,bold,filled"', 'fillcolor="#e6f2ff"', 'color="#1f6feb"');
    else if (node.chosenBy === null && node.parentId !== null)
      attrs.push('style="rounded,dashed"', "fontcolor=gray40", "color=gray60");
    if (node.origin === "human" || node.origin === "edit") attrs.push("shape=note");
    lines.push(`  "${node.id}" [${attrs.join(", ")}];`);
  }
  for (const node of Object.values(loom.nodes)) {
    for (const child of childrenOf(loom, node.id)) {
      const bold = onPath.has(node.id) && onPath.has(child);
      lines.push(`  "${node.id}" -> "${child}"${bold ? ' [color="#1f6feb", penwidth=2]' : ""};`);
    }
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
