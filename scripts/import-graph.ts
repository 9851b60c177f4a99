// The workspace's import graph (relative imports and `@loom/*` packages resolved to source files) and its cycles.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const SOURCE = /\.(ts|tsx|mts|cts)$/;
const SKIP = new Set(["node_modules", "dist", "__fixtures__", "coverage"]);

/** Every TypeScript source file under `dir` (declaration files, fixtures and build output left out). */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (SKIP.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(entry) && !entry.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** `./x.js` → `./x.ts`, `./dir` → `./dir/index.ts`; null when no source file matches. */
function resolveFile(base: string): string | null {
  const stem = base.replace(/\.(m|c)?js$/, "");
  for (const candidate of [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    `${stem}.cts`,
    join(base, "index.ts"),
    join(base, "index.tsx"),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/**
 * Resolve `@name/sub` through the package's `exports`, mapping a built file back to its source
 * (`./dist/test/index.js` → `src/test/index.ts`).
 */
function resolvePackage(specifier: string, packages: Map<string, string>): string | null {
  const match = /^(@[^/]+\/[^/]+|[^@/][^/]*)(\/.*)?$/.exec(specifier);
  const dir = match && packages.get(match[1]!);
  if (!dir) return null;
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { exports?: Record<string, unknown> };
  let target = pkg.exports?.[`.${match[2] ?? ""}`];
  while (target && typeof target === "object") {
    const t = target as Record<string, unknown>;
    target = t["import"] ?? t["default"] ?? t["require"];
  }
  if (typeof target !== "string") return null;
  return resolveFile(join(dir, target.replace(/^\.\/dist\//, "./src/")));
}

/** Import edges from each file to the workspace files it imports (type-only and dynamic imports included). */
export function importGraph(files: readonly string[], packages: Map<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets: string[] = [];
    for (const { fileName } of info.importedFiles) {
      const target = fileName.startsWith(".")
        ? resolveFile(resolve(dirname(file), fileName))
        : resolvePackage(fileName, packages);
      if (target) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself), as paths relative to `root`. */
export function importCycles(graph: Map<string, string[]>, root: string): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  // Iterative Tarjan: the graph has thousands of files and recursion depth is not ours to choose.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next++]!;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1 || edges.includes(frame.node))
          cycles.push(component.map((f) => relative(root, f)).sort());
      }
    }
  }
  return cycles;
}
