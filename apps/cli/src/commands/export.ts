// `loom export`: the session as Markdown (the text), JSON (the whole loom) or Graphviz DOT (the tree).
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { purgePruned } from "@loom/core";
import {
  exportDot,
  exportLoomsidian,
  exportMarkdown,
  exportPyloom,
  type JsonExportSource,
  loomExportSource,
  readSnapshotRecords,
  snapshotExportSource,
  writeJsonExport,
  writePythonSession,
} from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { UsageError } from "../cli/exit-error.js";
import { exportFormat } from "../export/export-target.js";
import { type Sink, streamSink, writeFileStreamed } from "@loom/io/internal";
import { readLoom } from "../session/read-loom.js";
import { SESSION_POSITIONAL } from "../session/session-positional.js";
import { resolveSessionDir } from "../session/session-dir.js";

/** An existing Loomsidian data.json at `file` to merge into; anything else there is refused rather than overwritten. */
async function existingDataJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== "object" || value === null || !("state" in value))
    throw new UsageError(
      `--out ${file} exists and is not a Loomsidian data.json`,
      "name a new file, or the vault's .obsidian/plugins/loom/data.json to add the note to it",
    );
  return value;
}

export default defineCommand({
  name: "export",
  summary: "write the session as Markdown, JSON or Graphviz DOT",
  description:
    "md: the current text under the brief's title (--branches adds every other branch, --decisions each\n" +
    "step's decision with the selector's ranking and scores).\n" +
    "json: the whole loom, one node per line, re-importable with `loom import FILE` (--full-text adds each\n" +
    "node's full text). This is plain JSON for jq and Python, whatever the session's own files are.\n" +
    "dot: the tree for Graphviz, current path highlighted (`dot -Tsvg story.dot > story.svg`).\n" +
    "python-reference: a session directory of the seed's Python implementation (loom.json with snake_case\n" +
    "fields, manifest.ndjson), which its loader reads; --out names the new directory.\n" +
    "pyloom: a tree file PyLoom (socketteer/loom) opens, tokens as its model responses.\n" +
    "loomsidian: Loomsidian's data.json with the session as one note (--note names it); with --out naming\n" +
    "an existing data.json the note is merged in, keeping the vault's settings and other notes.\n" +
    "Pruned subtrees (loom prune) are not shown in md or dot; json keeps them, marked pruned, so an import\n" +
    "keeps them hidden and restorable, unless --purge drops them.\n" +
    "With --out the format comes from the file's extension (.md, .json, .dot) unless --format says it.",
  positionals: [SESSION_POSITIONAL],
  options: {
    format: {
      type: "enum",
      choices: ["md", "json", "dot", "python-reference", "pyloom", "loomsidian"],
      short: "f",
      description: "output format (default: from --out's extension, else md)",
    },
    out: {
      type: "string",
      short: "o",
      valueName: "FILE",
      description: "write to a file (written whole or not at all) instead of stdout",
    },
    branches: { type: "boolean", description: "md: list every other branch too" },
    decisions: {
      type: "boolean",
      description: "md: list each step's decision: who chose and why, every candidate's rank and scores",
    },
    "full-text": { type: "boolean", description: "json: include each node's full text" },
    note: {
      type: "string",
      valueName: "PATH",
      description: "loomsidian: the note's path in the vault (default: the note it came from, else <title>.md)",
    },
    purge: {
      type: "boolean",
      description:
        "json: drop pruned subtrees (without it they stay, marked pruned, so an import keeps them hidden; md and dot never show them)",
    },
  },
  examples: [
    { command: "loom export story > story.md", description: "The text as Markdown." },
    {
      command: "loom export story -o story.json",
      description: "Everything, to re-import later with `loom import story.json`.",
    },
    { command: "loom export story -f json | jq '.loom.nodes | length'", description: "Plain JSON for jq." },
    { command: "loom export story -f dot | dot -Tsvg > tree.svg", description: "A picture of the tree." },
    {
      command: "loom export story -o clean.json --purge",
      description: "Everything but the pruned branches, which this file no longer holds.",
    },
    {
      command: "loom export story -f loomsidian -o ~/vault/.obsidian/plugins/loom/data.json --note Stories/Keeper.md",
      description: "Back into an Obsidian vault, next to its other notes.",
    },
    { command: "loom export story -f pyloom -o story.json", description: "A tree file for PyLoom." },
    {
      command: "loom export story -f python-reference -o story-py",
      description: "For the Python reference's scripts (load_loom, read_manifest).",
    },
  ],
  async run({ values, positionals, env, cwd, out }) {
    const format = exportFormat(values.format, values.out);
    if (format === "python-reference") {
      if (!values.out)
        throw new UsageError(
          "--format python-reference writes a directory: name it with --out DIR",
          "e.g. -o story-py",
        );
      const { loom } = await readLoom({ positionals, env, cwd, out });
      const dir = resolve(cwd, values.out);
      // The Python format has no place to mark a pruned subtree, so the hidden branches stay out of it.
      await writePythonSession(purgePruned(loom), dir);
      out.result({ dir, format }, () => `wrote ${dir} (Python reference session: loom.json, manifest.ndjson)`);
      return;
    }
    if (format === "pyloom" || format === "loomsidian") {
      const { loom } = await readLoom({ positionals, env, cwd, out });
      const file = values.out === undefined ? undefined : resolve(cwd, values.out);
      const into = format === "loomsidian" && file !== undefined ? await existingDataJson(file) : undefined;
      const text =
        format === "pyloom"
          ? exportPyloom(loom)
          : exportLoomsidian(loom, { ...(values.note !== undefined ? { note: values.note } : {}), into });
      if (file === undefined) {
        await streamSink(out.streams.stdout).sink(text);
        return;
      }
      const bytes = await writeFileStreamed(file, (sink) => sink(text));
      out.result({ file, format, bytes, merged: into !== undefined }, () =>
        into !== undefined
          ? `merged the note into ${file} (loomsidian; its settings and other notes kept)`
          : `wrote ${file} (${format})`,
      );
      return;
    }
    const fullText = values["full-text"] === true;
    const purge = values.purge === true;
    // JSON without full texts is streamed off a closed session's snapshot, one frame at a time; the rest
    // (Markdown, DOT, full texts, a session with ops in its journal) needs the loom in memory.
    const streamed =
      format === "json" && !fullText && !purge
        ? await readSnapshotRecords(resolveSessionDir(positionals.session, env, cwd))
        : null;
    const source: JsonExportSource | null = streamed ? snapshotExportSource(streamed) : null;
    const read = source ? null : (await readLoom({ positionals, env, cwd, out })).loom;
    const loom = read && purge ? purgePruned(read) : read;
    const render = (sink: Sink) =>
      format === "json"
        ? writeJsonExport(source ?? loomExportSource(loom!), sink, { fullText })
        : sink(
            format === "dot"
              ? exportDot(loom!)
              : exportMarkdown(loom!, { branches: values.branches, decisions: values.decisions }),
          );
    if (values.out) {
      const file = resolve(cwd, values.out);
      const bytes = await writeFileStreamed(file, render);
      out.result({ file, format, bytes }, () => `wrote ${file} (${format})`);
      return;
    }
    if (out.json) {
      // --json without --out: the export wrapped as one JSON document, its content escaped piece by piece
      // as it streams (a large export is longer than any one string may be).
      const { sink } = streamSink(out.streams.stdout);
      out.streamResult();
      await sink(`{"format":${JSON.stringify(format)},"content":"`);
      await render((chunk) => sink(JSON.stringify(chunk).slice(1, -1)));
      await sink(`"}\n`);
      return;
    }
    await render(streamSink(out.streams.stdout).sink);
  },
});
