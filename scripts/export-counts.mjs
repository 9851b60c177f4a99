// Counts the names each published package's root entry point exports (runtime values and type-only names), read
// from its source with the TypeScript checker, so a growing public surface shows up as a number.
// Usage: node scripts/export-counts.mjs [--json]
import { readdirSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const entries = readdirSync(join(root, "packages"))
  .map((name) => ({ name: `@loom/${name}`, file: join(root, "packages", name, "src", "index.ts") }))
  .filter((p) => existsSync(p.file));
const program = ts.createProgram(
  entries.map((e) => e.file),
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
  },
);
const checker = program.getTypeChecker();
const counts = entries.map(({ name, file }) => {
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(file));
  const exported = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
  let runtime = 0;
  for (const symbol of exported) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    if (target.flags & ts.SymbolFlags.Value) runtime++;
  }
  return { name, runtime, types: exported.length - runtime, total: exported.length };
});
if (process.argv.includes("--json")) console.log(JSON.stringify(counts, null, 2));
else
  for (const c of counts)
    console.log(`${c.name.padEnd(20)} ${String(c.total).padStart(4)} names (${c.runtime} runtime, ${c.types} types)`);
