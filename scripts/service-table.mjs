// Rewrites the per-service table in README.md and packages/generators/README.md from the presets the code uses (run after `pnpm run build`).
import { readFileSync, writeFileSync } from "node:fs";
import { withServiceTable } from "../packages/generators/dist/internal.js";

const files = ["README.md", "packages/generators/README.md"].map((f) => new URL(`../${f}`, import.meta.url));
for (const file of files) {
  const before = readFileSync(file, "utf8");
  const after = withServiceTable(before);
  if (after === before) {
    if (!before.includes("service-table:start")) throw new Error(`${file.pathname}: no service-table markers`);
    continue;
  }
  writeFileSync(file, after);
  console.log(`updated ${file.pathname}`);
}
