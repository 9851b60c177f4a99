// `loom export`: the session as Markdown (the text), JSON (the whole loom) or Graphviz DOT (the tree).
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { defineCommand } from "../cli/define-command.js";
import { exportDot } from "../export/export-dot.js";
import { exportJson } from "../export/export-json.js";
import { exportMarkdown } from "../export/export-markdown.js";
import { SESSION_POSITIONAL, readLoom } from "../session/read-loom.js";

export default defineCommand({
  name: "export",
  summary: "write the session as Markdown, JSON or Graphviz DOT",
  description:
    "md: the current text under the brief's title (--branches adds every other branch).\n" +
    "json: the whole loom, re-importable with `loom import FILE` (--full-text adds each node's full text).\n" +
    "dot: the tree for Graphviz, current path highlighted (`dot -Tsvg story.dot > story.svg`).",
  positionals: [SESSION_POSITIONAL],
  options: {
    format: { type: "enum", choices: ["md", "json", "dot"], default: "md", short: "f", description: "output format" },
    out: { type: "string", short: "o", valueName: "FILE", description: "write to a file instead of stdout" },
    branches: { type: "boolean", description: "md: list every other branch too" },
    "full-text": { type: "boolean", description: "json: include each node's full text" },
  },
  examples: [
    { command: "loom export story > story.md", description: "The text as Markdown." },
    { command: "loom export story --format json -o story.json", description: "Everything, to re-import later with `loom import story.json`." },
    { command: "loom export story -f dot | dot -Tsvg > tree.svg", description: "A picture of the tree." },
  ],
  async run({ values, positionals, env, cwd, out }) {
    const { loom } = await readLoom({ positionals, env, cwd, out });
    const content =
      values.format === "json"
        ? `${JSON.stringify(exportJson(loom, { fullText: values["full-text"] }), null, 2)}\n`
        : values.format === "dot"
          ? exportDot(loom)
          : exportMarkdown(loom, { branches: values.branches });
    if (values.out) {
      const file = resolve(cwd, values.out);
      await writeFile(file, content);
      out.result({ file, format: values.format, bytes: Buffer.byteLength(content) }, () => `wrote ${file}`);
      return;
    }
    // --json without --out: the export wrapped, so stdout is still one JSON document.
    if (out.json) out.result({ format: values.format, content }, () => "");
    else out.write(content);
  },
});
