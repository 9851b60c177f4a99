// `loom import <path>`: a session directory (Loom's or the Python reference's), or a file of any loom tool Loom reads (detected, or named with --format).
import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { currentText, type Loom } from "@loom/core";
import {
  createSession,
  detectFormat,
  IMPORT_FORMAT_NAMES,
  type ImportFormat,
  readImportFile,
  readPythonSession,
  readSession,
} from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { FailureError, UsageError } from "../cli/exit-error.js";
import { invocation } from "../cli/invocation.js";
import { dirFlag } from "../session/dir-flag.js";
import { sessionsRoot } from "../session/session-dir.js";

/** The tool behind each format, as the output names it. */
const TOOLS: Record<string, string> = {
  loom: "Loom session",
  "python-reference": "Python reference session",
  "loom-export": "Loom JSON export",
  pyloom: "PyLoom (socketteer/loom)",
  loomsidian: "Loomsidian (Obsidian)",
  miniloom: "MiniLoom / MiniHF",
  tapestry: "Tapestry Loom",
  "tapestry-binary": "Tapestry Loom (binary weave, format 2)",
  "tapestry-binary-v1": "Tapestry Loom (binary weave, format 1)",
  exoloom: "Exoloom",
};

interface Read {
  format: string;
  loom: Loom;
  warnings: string[];
  note?: string;
}

/** A folder name from a note's path ("Stories/The keeper.md" → "Stories-The-keeper"). */
const slug = (s: string) =>
  s
    .replace(/\.md$/i, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^-+|-+$/g, "") || "note";

export default defineCommand({
  name: "import",
  summary: "import a session directory, or another loom tool's file (PyLoom, Loomsidian, MiniLoom, Tapestry…)",
  description:
    "Copies a tree into a new Loom session; the source is not changed. A directory is a Loom session or one\n" +
    "written by the Python reference implementation. A file is detected by the keys each tool writes, and the\n" +
    "output says which format it found (--format names it instead):\n" +
    "  loom-export  a file from `loom export --format json` (either version)\n" +
    "  pyloom       PyLoom (socketteer/loom): a tree saved from its File menu; model responses give tokens\n" +
    "  loomsidian   Loomsidian's .obsidian/plugins/loom/data.json: one session per note (--note picks one)\n" +
    "  miniloom     MiniLoom / MiniHF (JD-P/miniloom): patches are rendered, ratings become the score `rating`\n" +
    "  tapestry     a Tapestry Loom weave as JSON (its versioned JSON, or migration-assistant --output-debug-json)\n" +
    "  tapestry-binary-v1  Tapestry Loom's own .tapestry file as it saves it today (format version 1)\n" +
    "  tapestry-binary     an older .tapestry file (format version 2, the IndependentWeave of 01f907557a9c)\n" +
    "               (either binary name reads both versions: the file's header says which it is)\n" +
    "  exoloom      an Exoloom export\n" +
    "What Loom has no place for is kept in each node's meta.import.<tool> and counted in the warnings.",
  positionals: [{ name: "path", description: "session directory or file to import", required: true }],
  options: {
    dir: {
      type: "string",
      valueName: "DIR",
      description:
        "where the new session goes (default: ./.loom-sessions/<session id>; with several notes, DIR/<note>)",
    },
    format: {
      type: "enum",
      choices: IMPORT_FORMAT_NAMES,
      description: "read the file as this format instead of detecting it",
    },
    note: {
      type: "string",
      valueName: "PATH",
      description: "loomsidian: import only this note (its path in the vault, e.g. Stories/Keeper.md)",
    },
  },
  examples: [
    { command: "loom import story.json", description: "Any loom tool's JSON file; the format is detected and named." },
    {
      command: "loom import ~/vault/.obsidian/plugins/loom/data.json --note Stories/Keeper.md",
      description: "One note of a Loomsidian vault.",
    },
    { command: "loom import tree.json --format pyloom --dir keeper", description: "Say the format; choose the place." },
    { command: "loom import story.tapestry", description: "A Tapestry Loom weave, as the app saves it." },
    {
      command: "loom import ~/pyloom/sessions/3e8f1a2b9c4d",
      description: "A Python reference session, into ./.loom-sessions/3e8f1a2b9c4d.",
    },
    { command: "loom import old-session --dir new --json", description: "Report format, counts and text as JSON." },
  ],
  async run({ values, positionals, env, cwd, out }) {
    const src = resolve(cwd, positionals.path!);
    if (!existsSync(src))
      throw new FailureError(`no such file or directory: ${src}`, "give a session directory or a loom tool's file");
    // Read everything first (a session's default place is named after its id), then check every place, then write.
    let reads: Read[];
    let detected = values.format === undefined;
    if (statSync(src).isDirectory()) {
      if (values.format !== undefined || values.note !== undefined)
        throw new UsageError(
          `${values.format !== undefined ? "--format" : "--note"} is for files; ${src} is a session directory`,
          "drop the flag (a session directory's format is detected)",
        );
      const format = await detectFormat(src);
      const r = format === "python-reference" ? await readPythonSession(src) : await readSession(src);
      reads = [{ format, ...r }];
      detected = true;
    } else {
      reads = await readImportFile(src, {
        ...(values.format !== undefined ? { format: values.format as ImportFormat } : {}),
        ...(values.note !== undefined ? { note: values.note } : {}),
      });
    }
    const many = reads.length > 1;
    const dests = reads.map((r) =>
      values.dir !== undefined
        ? many
          ? join(dirFlag(cwd, values.dir), slug(r.note ?? r.loom.sessionId))
          : dirFlag(cwd, values.dir)
        : join(sessionsRoot(env, cwd), r.loom.sessionId),
    );
    for (const dest of dests)
      if (existsSync(join(dest, "loom.json")))
        throw new FailureError(`a session already exists in ${dest}`, "pick another place with --dir DIR");
    if (new Set(dests).size < dests.length)
      throw new FailureError("two notes would go to one folder", "import them one at a time with --note and --dir");
    for (let i = 0; i < reads.length; i++) await (await createSession(dests[i]!, reads[i]!.loom)).close();

    for (const r of reads) for (const w of r.warnings) out.warn(w);
    const format = reads[0]!.format;
    const how = detected ? "detected" : "as --format said";
    const sessions = reads.map((r, i) => ({
      session: dests[i]!,
      sessionId: r.loom.sessionId,
      format: r.format,
      ...(r.note !== undefined ? { note: r.note } : {}),
      nodes: Object.keys(r.loom.nodes).length,
      decisions: Object.keys(r.loom.decisions).length,
      text: currentText(r.loom),
      warnings: r.warnings,
    }));
    const lines = [`format: ${format} — ${TOOLS[format] ?? format} (${how})`];
    reads.forEach((r, i) => {
      const shown = relative(cwd, dests[i]!) || ".";
      lines.push(
        `imported ${r.note !== undefined ? `note ${r.note}` : `session ${r.loom.sessionId}`} into ${shown}`,
        `  ${Object.keys(r.loom.nodes).length} nodes, ${Object.keys(r.loom.decisions).length} decisions, current path of ${r.loom.currentPath.length} nodes`,
      );
    });
    lines.push(`read it: ${invocation(cwd)} show ${relative(cwd, dests[0]!) || "."}`);
    out.result(many ? { format, sessions } : { ...sessions[0]!, format }, () => lines.join("\n"));
  },
});
