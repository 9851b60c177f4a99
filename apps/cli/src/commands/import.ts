// `loom import <path>`: a session directory (Loom's or the Python reference's, detected) or a `loom export --format json` file.
import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { currentText, type Loom } from "@loom/core";
import { createSession, detectFormat, readJsonExportFile, readPythonSession, readSession } from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { FailureError } from "../cli/exit-error.js";
import { sessionsRoot } from "../session/session-dir.js";
import { dirFlag } from "../session/dir-flag.js";
import { invocation } from "../cli/invocation.js";

export default defineCommand({
  name: "import",
  summary: "import a session directory (Loom or the Python reference format)",
  description:
    "Copies a session into a new Loom session directory. The format is detected: a Loom session directory,\n" +
    "a directory written by the Python reference implementation (loom.json with snake_case fields plus\n" +
    "manifest.ndjson), or a JSON file written by `loom export --format json`. The source is not changed.",
  positionals: [{ name: "path", description: "session directory or exported .json file to import", required: true }],
  options: {
    dir: {
      type: "string",
      valueName: "DIR",
      description: "where the new session goes (default: ./.loom-sessions/<session id>)",
    },
  },
  examples: [
    {
      command: "loom import ~/pyloom/sessions/3e8f1a2b9c4d",
      description: "A Python reference session, into ./.loom-sessions/3e8f1a2b9c4d.",
    },
    { command: "loom import story.json --dir story-copy", description: "A JSON export back into a session directory." },
    { command: "loom import old-session --dir new --json", description: "Report format, counts and text as JSON." },
  ],
  async run({ values, positionals, env, cwd, out }) {
    const src = resolve(cwd, positionals.path!);
    if (!existsSync(src))
      throw new FailureError(
        `no such file or directory: ${src}`,
        "give a session directory or a file from `loom export --format json`",
      );
    // Read first (the new session's default place is named after the imported id), then write.
    let read: { format: string; loom: Loom; warnings: string[] };
    if (statSync(src).isDirectory()) {
      const format = await detectFormat(src);
      const r = format === "python-reference" ? await readPythonSession(src) : await readSession(src);
      read = { format, ...r };
    } else {
      const { loom, format } = await readJsonExportFile(src);
      read = { loom, format, warnings: [] };
    }
    const dest =
      values.dir !== undefined ? dirFlag(cwd, values.dir) : join(sessionsRoot(env, cwd), read.loom.sessionId);
    if (existsSync(join(dest, "loom.json")))
      throw new FailureError(`a session already exists in ${dest}`, "pick another place with --dir DIR");
    const session = await createSession(dest, read.loom);
    await session.close();
    const result = { ...read, dest };
    for (const w of result.warnings) out.warn(w);
    const { loom, format } = result;
    const shown = relative(cwd, dest) || ".";
    out.result(
      {
        session: dest,
        sessionId: loom.sessionId,
        format,
        nodes: Object.keys(loom.nodes).length,
        decisions: Object.keys(loom.decisions).length,
        text: currentText(loom),
        warnings: result.warnings,
      },
      () =>
        [
          `imported ${format} session ${loom.sessionId} into ${shown}`,
          `${Object.keys(loom.nodes).length} nodes, ${Object.keys(loom.decisions).length} decisions, current path of ${loom.currentPath.length} nodes`,
          `read it: ${invocation(cwd)} show ${shown}`,
        ].join("\n"),
    );
  },
});
