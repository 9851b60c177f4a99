// The Markdown export: the current path's text under a title, optionally each other branch from where it leaves the path.
import { childrenOf, currentText, pathText, rootPath, type Loom } from "@loom/core";

function leaves(loom: Loom): string[] {
  return Object.keys(loom.nodes).filter((id) => childrenOf(loom, id).length === 0);
}

export function exportMarkdown(loom: Loom, options: { branches?: boolean } = {}): string {
  const title = loom.brief.title || `Loom session ${loom.sessionId}`;
  const parts = [`# ${title}`, "", currentText(loom), ""];
  if (options.branches) {
    const onPath = new Set(loom.currentPath);
    const tip = loom.currentPath[loom.currentPath.length - 1];
    const others = leaves(loom).filter((id) => id !== tip);
    if (others.length) parts.push("## Other branches", "");
    for (const leaf of others) {
      const path = rootPath(loom, leaf);
      // Where the branch leaves the current path: show the shared text's last words, then the branch.
      let split = 0;
      while (split < path.length && onPath.has(path[split]!)) split++;
      const shared = pathText(loom, path.slice(0, split));
      const own = pathText(loom, path.slice(split));
      const context = shared.length > 60 ? `…${shared.slice(-60)}` : shared;
      parts.push(`- \`${leaf}\`: ${context}**${own}**`.replace(/\n/g, " "));
    }
    if (others.length) parts.push("");
  }
  return parts.join("\n");
}
