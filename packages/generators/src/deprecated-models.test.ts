// No default, example, fixture or README names a model the Anthropic SDK lists as deprecated (read from the SDK's own file).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_MODELS, anthropicModelTable } from "@loom/core/internal";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
// The list is not in the package's exports: read it by path from the package directory.
// Neither that file nor package.json is exported: find the package root from its main entry.
let sdkDir = dirname(require.resolve("@anthropic-ai/sdk"));
while (!existsSync(join(sdkDir, "package.json"))) sdkDir = dirname(sdkDir);
const DEPRECATED = (
  require(join(sdkDir, "internal/data/deprecated-models.js")) as { DEPRECATED_MODELS: Record<string, string> }
).DEPRECATED_MODELS;
const deprecatedNames = Object.keys(DEPRECATED);
const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * Files a user reads or runs: READMEs and docs, fixtures, and the CLI's and page's source (examples, help,
 * placeholders). Only files git tracks or would track: generated output such as `docs/api` (git-ignored) is not
 * ours to check, and whether it exists depends on whether `pnpm docs` ran.
 */
function userFacingFiles(): string[] {
  const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return listed
    .split("\0")
    .filter(
      (p) =>
        p !== "" &&
        (/(^|\/)README\.md$/.test(p) ||
          p.startsWith("docs/") ||
          p.includes("__fixtures__/") ||
          /^apps\/(cli|server)\/(src|web)\//.test(p)),
    )
    .map((p) => join(root, p))
    .filter((p) => existsSync(p));
}

describe("models named by Loom", () => {
  it("reads a non-empty deprecated list from the SDK", () => {
    expect(deprecatedNames).toContain("claude-sonnet-4-5");
  });

  it("no default is deprecated", () => {
    for (const [role, model] of Object.entries(DEFAULT_MODELS))
      expect(deprecatedNames, `DEFAULT_MODELS.${role}`).not.toContain(model);
  });

  it("the model table marks exactly the deprecated models as retiring", () => {
    const retiring = anthropicModelTable()
      .filter((r) => r.retires)
      .map((r) => r.model)
      .sort();
    expect(retiring).toEqual(deprecatedNames.filter((m) => !/-\d{8}$/.test(m)).sort());
  });

  it("no README, doc, fixture or app source names a deprecated model", () => {
    const hits: string[] = [];
    for (const file of userFacingFiles()) {
      const text = readFileSync(file, "utf8");
      for (const model of deprecatedNames) {
        if (new RegExp(`${model}(?![-\\w])`).test(text)) hits.push(`${relative(root, file)}: ${model}`);
      }
    }
    expect(hits).toEqual([]);
  });
});
