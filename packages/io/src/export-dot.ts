// Exports a loom as a Graphviz DOT graph: the tree, the current path highlighted, held paths, clarifications and stops marked.
import { type Loom } from "@loom/core";
import { visibleLoom } from "@loom/core/internal";

export interface DotExportOptions {
  /** Longest label, in characters, before it is cut with an ellipsis (default 40). */
  maxLabel?: number;
}

/** Escape text for a double-quoted DOT string (backslashes, quotes, newlines, control characters). */
export function dotString(text: string): string {
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\r?\n/g, "\\n")
    .replace(/[\u0000-\u001f\u007f]/g, " ");
  return `"${escaped}"`;
}

function label(text: string, max: number): string {
  const flat = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return flat;
}

/** The tree as a DOT graph; pruned subtrees are not drawn. */
export function exportDot(whole: Loom, options: DotExportOptions = {}): string {
  const loom = visibleLoom(whole);
  const max = options.maxLabel ?? 40;
  const current = new Set(loom.currentPath);
  const held = new Set(loom.heldPaths.flat());
  const lines = [
    `digraph loom {`,
    `  graph [rankdir=LR, label=${dotString(loom.brief.title || loom.sessionId)}, labelloc=t];`,
    `  node [shape=box, style="rounded,filled", fillcolor=white, color=gray60, fontname="Helvetica", fontsize=10];`,
    `  edge [color=gray70];`,
  ];
  for (const node of Object.values(loom.nodes)) {
    const attrs = [`label=${dotString(label(node.text, max))}`];
    if (current.has(node.id)) attrs.push(`fillcolor="#ffe9a8"`, `color="#b8860b"`, `penwidth=2`);
    else if (held.has(node.id)) attrs.push(`fillcolor="#dbe9ff"`, `color="#4169e1"`);
    else if (node.parentId !== null && node.chosenBy === null) attrs.push(`fontcolor=gray40`);
    if (node.stepLogprob !== null) attrs.push(`tooltip=${dotString(`logprob ${node.stepLogprob.toFixed(3)}`)}`);
    lines.push(`  ${dotString(node.id)} [${attrs.join(", ")}];`);
    if (node.parentId !== null) {
      const onPath = current.has(node.id) && current.has(node.parentId);
      const edge = onPath
        ? ` [color="#b8860b", penwidth=2.5]`
        : held.has(node.id)
          ? ` [color="#4169e1", style=dashed]`
          : "";
      lines.push(`  ${dotString(node.parentId)} -> ${dotString(node.id)}${edge};`);
    }
  }
  for (const d of Object.values(loom.decisions)) {
    if (d.clarificationQuestion !== null) {
      const answer = d.humanResponse !== null ? `\nA: ${d.humanResponse}` : "\n(awaiting an answer)";
      const id = `clarify:${d.id}`;
      lines.push(
        `  ${dotString(id)} [shape=note, fillcolor="#fde2e2", color="#c0392b", label=${dotString(`? ${label(d.clarificationQuestion, max * 2)}${label(answer, max * 2)}`)}];`,
      );
      lines.push(`  ${dotString(d.parentNodeId)} -> ${dotString(id)} [style=dotted, color="#c0392b", arrowhead=none];`);
    }
    if (d.action === "stop") {
      const id = `stop:${d.id}`;
      lines.push(
        `  ${dotString(id)} [shape=octagon, fillcolor="#eeeeee", label=${dotString(`stop: ${label(d.reason ?? "", max)}`)}];`,
      );
      lines.push(`  ${dotString(d.parentNodeId)} -> ${dotString(id)} [style=dotted];`);
    }
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
