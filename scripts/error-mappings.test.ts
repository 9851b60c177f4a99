// The CLI's and the server's error mappings name only what exists: every code they list is a code some package's
// error can carry, and every class they test with `isInstance` is a member of core's error family.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = ["core", "io", "generators", "selectors", "orchestrator"];
const MAPPINGS = {
  cli: { file: "apps/cli/src/errors/describe-error.ts", tables: ["ERROR_HINTS"] },
  server: { file: "apps/server/src/http/to-http-error.ts", tables: ["LOOM_STATUS"] },
};

const program = ts.createProgram(
  [
    ...PACKAGES.map((p) => join(root, "packages", p, "src/index.ts")),
    ...Object.values(MAPPINGS).map((m) => join(root, m.file)),
  ],
  {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
    baseUrl: root,
    paths: { "@loom/*": ["packages/*/src/index.ts"] },
  },
);
const checker = program.getTypeChecker();
const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);

/** Every string literal of every `…ErrorCode` type a package root exports. */
function packageErrorCodes(): Set<string> {
  const codes = new Set<string>();
  for (const p of PACKAGES) {
    const file = program.getSourceFile(join(root, "packages", p, "src/index.ts"))!;
    for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(file)!)) {
      if (!symbol.name.endsWith("ErrorCode")) continue;
      const type = checker.getDeclaredTypeOfSymbol(resolve(symbol));
      for (const member of type.isUnion() ? type.types : [type]) if (member.isStringLiteral()) codes.add(member.value);
    }
  }
  return codes;
}

/** The names of the classes a class extends, itself included. */
function lineage(symbol: ts.Symbol): string[] {
  const names: string[] = [];
  let type: ts.Type | undefined = checker.getDeclaredTypeOfSymbol(symbol);
  while (type?.symbol) {
    names.push(type.symbol.name);
    type = checker.getBaseTypes(type as ts.InterfaceType)[0];
  }
  return names;
}

function inspect(file: string, tables: string[]) {
  const source = program.getSourceFile(join(root, file))!;
  const keys: string[] = [];
  const classes: { name: string; lineage: string[] }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && tables.includes(node.name.getText(source)) && node.initializer) {
      const init = node.initializer;
      if (ts.isObjectLiteralExpression(init))
        for (const prop of init.properties) if (prop.name) keys.push(prop.name.getText(source).replace(/^"|"$/g, ""));
    }
    if (ts.isPropertyAccessExpression(node) && node.name.text === "isInstance") {
      const symbol = checker.getSymbolAtLocation(node.expression);
      classes.push({ name: node.expression.getText(source), lineage: symbol ? lineage(resolve(symbol)) : [] });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { keys, classes };
}

describe.each(Object.entries(MAPPINGS))("the %s's error mapping", (_, { file, tables }) => {
  const codes = packageErrorCodes();
  const found = inspect(file, tables);

  it("lists only codes some package's error carries", () => {
    expect(codes.size).toBeGreaterThan(20);
    expect(found.keys.length).toBeGreaterThan(0);
    expect(found.keys.filter((k) => !codes.has(k))).toEqual([]);
  });

  it("tests only classes of core's error family", () => {
    expect(found.classes.length).toBeGreaterThan(0);
    expect(found.classes.filter((c) => !c.lineage.includes("LoomBaseError")).map((c) => c.name)).toEqual([]);
  });
});
