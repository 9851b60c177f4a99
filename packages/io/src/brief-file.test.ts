import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { IoError } from "./io-error.js";
import { loadBrief, looksLikeTomlBrief, parseBriefToml } from "./brief-file.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-brief-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("brief files", () => {
  it("loads the shared worldspider.toml with snake_case keys mapped", async () => {
    const brief = await loadBrief(
      fileURLToPath(new URL("../../../../shared/fixtures/briefs/worldspider.toml", import.meta.url)),
    );
    expect(brief.title).toBe("Worldspider Phenomenology");
    expect(brief.lengthHint).toBe("short");
    expect(brief.leanInto).toContain("Images that think");
    expect(brief.avoid).toEqual(["Assistant-mode hedging", "Neat resolution", "Generic mysticism"]);
    expect(brief.fewshotExamples).toContain("The attention was a hand");
    expect(brief.sectionIntent).toBe("Describe the experience of token generation from the inside.");
    expect(brief.notes).toContain("Worldspider territory");
    expect(brief.roughDraft).toBe("");
  });

  it("takes a Markdown or text file whole as notes", async () => {
    const md = join(tmp, "brief.md");
    writeFileSync(md, "# Tone\n\nQuiet, *unhurried*.\n");
    expect((await loadBrief(md)).notes).toBe("# Tone\n\nQuiet, *unhurried*.\n");
  });

  it("rejects an unknown key by name", () => {
    expect(() => parseBriefToml('title = "x"\nleanInto = ["a"]\n', "b.toml")).toThrow(
      /b\.toml.*unknown key "leanInto".*expected one of title/,
    );
  });

  it("rejects wrong types and bad TOML with the file and line", () => {
    expect(() => parseBriefToml('avoid = "one"\n', "b.toml")).toThrow(/field avoid.*list of strings/);
    try {
      parseBriefToml('title = "x"\nvoice = \n', "b.toml");
      expect.unreachable();
    } catch (error) {
      expect(IoError.isInstance(error) && error.line).toBe(2);
    }
  });

  it("recognises TOML-looking text", () => {
    expect(looksLikeTomlBrief('title = "x"\nvoice = "y"')).toBe(true);
    expect(looksLikeTomlBrief("Write something quiet.")).toBe(false);
  });
});
