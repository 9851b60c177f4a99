import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { clarifications, currentText, divergences, nodeText, pathText } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { detectFormat, importSession, readSession } from "./index.js";

const fixture = fileURLToPath(new URL("./__fixtures__/python-session", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "loom-import-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const py = JSON.parse(readFileSync(join(fixture, "loom.json"), "utf8"));

describe("import of a Python reference session", () => {
  it("detects the format", async () => {
    expect(await detectFormat(fixture)).toBe("python-reference");
  });

  it("carries over every node, decision, the current and held paths, and the brief", async () => {
    const dest = join(tmp, "imported");
    const result = await importSession(fixture, dest);
    expect(result.format).toBe("python-reference");
    expect(result.warnings).toEqual([]);
    const { loom } = await readSession(dest);
    expect(await detectFormat(dest)).toBe("loom");

    expect(Object.keys(loom.nodes).sort()).toEqual(Object.keys(py.nodes).sort());
    expect(Object.keys(loom.decisions).sort()).toEqual(Object.keys(py.decision_events).sort());
    expect(loom.currentPath).toEqual(py.current_path);
    expect(loom.heldPaths).toEqual(py.held_paths);
    const tip = py.current_path[py.current_path.length - 1];
    expect(currentText(loom)).toBe(py.nodes[tip].full_text);
    for (const [id, node] of Object.entries<{ full_text: string }>(py.nodes))
      expect(nodeText(loom, id)).toBe(node.full_text);
    expect(pathText(loom, loom.heldPaths[0]!)).toBe(py.nodes["5f2d0b6a4c78"].full_text);

    // decisions: logprobs, the answered clarification, the stop
    const d1 = loom.decisions["5c0e7a9d2f14"]!;
    expect(d1).toMatchObject({
      action: "choose",
      chosenBy: "selector_llm",
      chosenNodeId: "c93a1f6e7b05",
      maxLogprob: -3.2104,
      chosenLogprob: -5.8871,
    });
    expect(d1.logprobGap).toBeCloseTo(-2.6767, 6);
    expect(d1.candidateScores["c93a1f6e7b05"]).toEqual({ aliveness: 0.8, surprise: 0.9 });
    expect(divergences(loom, -1).map((d) => d.id)).toEqual(["5c0e7a9d2f14"]);
    const clar = clarifications(loom);
    expect(clar).toHaveLength(1);
    expect(clar[0]).toMatchObject({
      action: "choose",
      humanResponse: "Stay bodily. The grip.",
      chosenNodeId: "f2a6d9e0c417",
    });
    expect(loom.decisions["8a3d5f0c6e92"]).toMatchObject({
      action: "stop",
      chosenNodeId: null,
      reason: expect.stringContaining("Incomplete"),
    });
    expect(loom.nodes["c93a1f6e7b05"]).toMatchObject({
      chosenBy: "selector_llm",
      stepLogprob: -5.8871,
      createdAt: "2025-11-24T16:00:04.750000Z",
    });
    // Token ids and logprobs become tokens (the reference keeps no token texts: said so in meta.import).
    expect(loom.nodes["c93a1f6e7b05"]!.tokens!.toArray().map((t) => [t.id, t.logprob])).toEqual(
      [451, 263, 1361, 472, 599].map((id) => [id, -1.1774]),
    );
    expect(loom.nodes["c93a1f6e7b05"]!.meta).toMatchObject({
      model: "stories260K",
      import: { from: "python-reference", tokenTexts: "unknown" },
    });
    expect(loom.nodes[loom.rootId]!.origin).toBe("seed");

    // the brief string was TOML, so it is parsed into fields; the config maps onto SessionConfig
    expect(loom.brief.title).toBe("Worldspider Phenomenology");
    expect(loom.brief.leanInto).toContain("Aliveness");
    expect(loom.config.generator).toMatchObject({ provider: "anthropic-cli-sim", branchingFactor: 3, logprobs: 0 });
    expect(loom.config.selector.mode).toBe("agentic");

    // every resolved decision got a manifest line in the new session, with its chosen text
    const manifest = readFileSync(join(dest, "manifest.ndjson"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(manifest.map((m) => m.decisionId).sort()).toEqual(Object.keys(py.decision_events).sort());
    expect(manifest.find((m) => m.decisionId === "6e1b3d8c4a70")).toMatchObject({
      chosenText: ", only the grip",
      humanResponse: "Stay bodily. The grip.",
      clarificationQuestion: expect.stringContaining("bodily"),
    });
  });

  it("takes a plain-text brief as notes and reports a manifest that is ahead of loom.json", async () => {
    const src = join(tmp, "variant");
    cpSync(fixture, src, { recursive: true });
    writeFileSync(join(src, "loom.json"), JSON.stringify({ ...py, brief: "Write like weather." }));
    writeFileSync(
      join(src, "manifest.ndjson"),
      readFileSync(join(fixture, "manifest.ndjson"), "utf8") +
        '{"session_id":"3e8f1a2b9c4d","decision_id":"ffff00001111","action":"choose"}\n',
    );
    const result = await importSession(src, join(tmp, "variant-out"));
    expect(result.loom.brief.notes).toBe("Write like weather.");
    expect(result.warnings.join("\n")).toMatch(/1 decision\(s\) in the manifest are not in loom\.json.*ffff00001111/);
  });

  it("re-imports a Loom session as a copy", async () => {
    const again = await importSession(join(tmp, "imported"), join(tmp, "copy"));
    expect(again.format).toBe("loom");
    expect(currentText(again.loom)).toBe(py.nodes["1b8f6d2c0e34"].full_text);
  });

  it("names the field when the Python file is malformed, and writes nothing", async () => {
    const src = join(tmp, "bad");
    cpSync(fixture, src, { recursive: true });
    const broken = structuredClone(py);
    broken.nodes["b7d2e4f10a33"].parent_id = "nope00000000";
    writeFileSync(join(src, "loom.json"), JSON.stringify(broken));
    await expect(importSession(src, join(tmp, "bad-out"))).rejects.toThrow(
      /loom\.json.*nodes\.b7d2e4f10a33\.parentId.*dangling/,
    );
    broken.nodes["b7d2e4f10a33"].parent_id = 42;
    writeFileSync(join(src, "loom.json"), JSON.stringify(broken));
    await expect(importSession(src, join(tmp, "bad-out"))).rejects.toThrow(/field nodes\.b7d2e4f10a33\.parent_id/);
    await expect(detectFormat(join(tmp, "bad-out"))).rejects.toThrow(/no loom\.json/);
  });
});
