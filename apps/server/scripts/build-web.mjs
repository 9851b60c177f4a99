// Bundles the page (web/src) into dist/web/app.js, app.css and the tree's layout worker tree-worker.js with esbuild; run by `pnpm build`, and by tests via buildWeb().
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Build the page into `outDir` (default dist/web), from `webRoot` (default this package's web/; the web benchmark builds an older page). */
export async function buildWeb(outDir = join(root, "dist", "web"), webRoot = join(root, "web")) {
  const common = {
    bundle: true,
    format: "iife",
    platform: "browser",
    target: ["chrome120", "firefox120", "safari17"],
    minify: true,
    sourcemap: true,
    legalComments: "linked",
    logLevel: "warning",
  };
  await Promise.all([
    build({ ...common, entryPoints: [join(webRoot, "src", "main.ts")], outfile: join(outDir, "app.js") }),
    // The tree's layout runs in a worker of its own file (the CSP allows workers from 'self' only).
    ...(existsSync(join(webRoot, "src", "tree-layout-worker.ts"))
      ? [
          build({
            ...common,
            entryPoints: [join(webRoot, "src", "tree-layout-worker.ts")],
            outfile: join(outDir, "tree-worker.js"),
          }),
        ]
      : []),
  ]);
  return outDir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const out = await buildWeb(process.argv[2]);
  console.log(`built the page into ${out}`);
}
