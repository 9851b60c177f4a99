// Build of the loom binary: one ESM entry, each command in its own chunk (loaded only when it runs), Loom's packages bundled from source.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";
import { defineConfig } from "tsup";

/** The workspace packages the binary carries, built from their sources (the server stays a package: it serves its own files). */
const BUNDLED = ["core", "io", "generators", "selectors", "orchestrator", "analysis"];
const packages = fileURLToPath(new URL("../../packages", import.meta.url));

/** Each name a package entry file (src/index.ts, src/internal.ts) exports, and the source file that defines it. */
function exportMap(entry: string): Map<string, string> {
  const map = new Map<string, string>();
  const text = readFileSync(entry, "utf8");
  for (const m of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*"(\.[^"]+)"/g)) {
    const file = resolve(dirname(entry), m[2]!.replace(/\.js$/, ".ts"));
    for (const spec of m[1]!.split(",")) {
      const name = spec.replace(/^\s*type\s+/, "").trim();
      if (!name) continue;
      const [local, exported = local] = name.split(/\s+as\s+/);
      map.set(exported!, `${file}\0${local}`);
    }
  }
  return map;
}

const maps = new Map<string, Map<string, string>>();
for (const name of BUNDLED)
  for (const [sub, file] of [
    ["", "index.ts"],
    ["/internal", "internal.ts"],
  ] as const) {
    try {
      maps.set(`@loom/${name}${sub}`, exportMap(resolve(packages, name, "src", file)));
    } catch {
      // No such entry (only some packages have an internal one).
    }
  }

/**
 * Why: bundled with code splitting, an import through a package's index (a file that re-exports every
 * module) puts every module it names in one chunk shared by all commands, so `loom --version` loaded zod
 * and every schema. Rewriting `import { x } from "@loom/core"` to import `x` from the file that defines it
 * leaves each chunk only the modules its commands use. Names not found stay as they were.
 */
const directImports: Plugin = {
  name: "loom-direct-imports",
  setup(build) {
    build.onLoad({ filter: /\/(apps\/cli|packages\/[a-z]+)\/src\/.*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      const rewritten = text.replace(
        /import\s+(type\s+)?\{([^}]*)\}\s*from\s*"(@loom\/[a-z]+(?:\/internal)?)";/g,
        (whole, typeOnly: string | undefined, specs: string, from: string) => {
          const map = maps.get(from);
          if (typeOnly || !map) return whole;
          const lines: string[] = [];
          for (const raw of specs.split(",")) {
            const spec = raw.trim();
            if (!spec || spec.startsWith("type ")) continue;
            const [imported, local = imported] = spec.split(/\s+as\s+/);
            const target = map.get(imported!);
            if (!target) return whole;
            const [file, name] = target.split("\0");
            lines.push(`import { ${name} as ${local} } from ${JSON.stringify(file)};`);
          }
          return lines.join("\n");
        },
      );
      return { contents: rewritten, loader: "ts" };
    });
  },
};

export default defineConfig({
  // The analysis package's session-reading worker is a script of its own, beside the chunk that starts it
  // (found through import.meta.url, as in the package's own build).
  entry: { bin: "src/bin.ts", "session-worker": resolve(packages, "analysis/src/session-worker.ts") },
  format: ["esm"],
  sourcemap: true,
  clean: true,
  splitting: true,
  target: "node20",
  // Why: each package's published build is one module, so importing one function loaded the whole package
  // (zod's schemas, the SDKs' clients). Built from source, each command's chunk holds only the modules it
  // uses (the packages declare no side effects): `loom show` loads neither zod nor an SDK. Third-party
  // packages stay external (dependencies of this package).
  noExternal: BUNDLED.map((name) => new RegExp(`^@loom/${name}(/internal)?$`)),
  // The charts' optional dependencies are loaded at run time when installed (tsup bundles optional ones otherwise).
  external: ["vega", "vega-lite", "@resvg/resvg-js"],
  esbuildPlugins: [directImports],
  esbuildOptions(options) {
    options.alias = Object.fromEntries(BUNDLED.map((name) => [`@loom/${name}`, resolve(packages, name, "src")]));
  },
});
