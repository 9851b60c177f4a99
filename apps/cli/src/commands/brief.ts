// `loom brief`: a session's brief, shown or changed mid-session (each change a journaled brief version).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { changedBriefFields, setBrief, type Brief } from "@loom/core";
import { briefToToml, briefWithField, loadBrief, openSession, parseBriefToml, readSession } from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { FailureError, UsageError } from "../cli/exit-error.js";
import { resolveSessionDir } from "../session/session-dir.js";

/** Let the user edit the brief as TOML in $VISUAL / $EDITOR; the file is kept (and named) when it does not parse. */
function editBrief(current: Brief, env: NodeJS.ProcessEnv): Brief {
  const editor = env.VISUAL || env.EDITOR;
  if (!editor) throw new UsageError("no editor: set $EDITOR (or $VISUAL)", "or use: loom brief SESSION load FILE");
  const dir = mkdtempSync(join(tmpdir(), "loom-brief-"));
  const file = join(dir, "brief.toml");
  writeFileSync(file, briefToToml(current));
  // Through the shell, as git does, so EDITOR may carry arguments ("code --wait").
  const r = spawnSync("sh", ["-c", `${editor} "$1"`, "sh", file], { stdio: "inherit", env });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new FailureError(`the editor (${editor}) exited with ${r.status ?? r.signal}; the brief is unchanged`);
  }
  const next = parseBriefToml(readFileSync(file, "utf8"), file); // an IoError names the kept file
  rmSync(dir, { recursive: true, force: true });
  return next;
}

export default defineCommand({
  name: "brief",
  summary: "show or change a session's brief (each change is a new brief version)",
  description:
    "With no action (or show), prints the brief as TOML with its version. A change (set, load, edit) is\n" +
    "journaled as a new brief version: decisions from then on record it and the selectors read it.\n" +
    "Fields: title, domain, voice, register, length_hint, lean_into, avoid, notes, fewshot_examples,\n" +
    'section_intent, rough_draft. lean_into and avoid take a JSON array (\'["a", "b"]\') or one item.',
  positionals: [
    { name: "session", description: "session directory", required: true },
    { name: "action", description: "show, edit, set or load (default: show)" },
    { name: "field", description: "set: the field; load: the brief file (.toml, or text/Markdown as notes)" },
    { name: "value", description: "set: the new value" },
  ],
  options: {},
  examples: [
    { command: "loom brief story", description: "The current brief and its version." },
    {
      command: 'loom brief story set section_intent "The hand lets go."',
      description: "A new intent from the next decision on.",
    },
    { command: `loom brief story set avoid '["Neat resolution", "Explaining"]'`, description: "Replace a list." },
    { command: "loom brief story load brief-v2.toml", description: "A whole new brief from a file." },
    { command: "loom brief story edit", description: "Edit it as TOML in $EDITOR." },
  ],
  async run({ positionals, env, cwd, out }) {
    const dir = resolveSessionDir(positionals.session, env, cwd);
    const action = positionals.action ?? "show";
    if (action === "show") {
      const { loom } = await readSession(dir);
      out.result({ session: dir, briefVersion: loom.briefVersion, brief: loom.brief }, () =>
        [`# brief version ${loom.briefVersion}`, briefToToml(loom.brief).trimEnd()].join("\n"),
      );
      return;
    }
    if (!["set", "load", "edit"].includes(action))
      throw new UsageError(`unknown action "${action}" (show, edit, set or load)`, "see: loom brief --help");
    const { field, value } = positionals;
    if (action === "set" && (field === undefined || value === undefined))
      throw new UsageError("loom brief SESSION set needs FIELD and VALUE", 'e.g. loom brief story set voice "Plain"');
    if (action === "load" && field === undefined)
      throw new UsageError("loom brief SESSION load needs a FILE", "e.g. loom brief story load brief.toml");
    // Read (and edit) before taking the session's lock, so a slow editor does not hold it.
    const current = (await readSession(dir)).loom.brief;
    const next =
      action === "set"
        ? briefWithField(current, field!, value!)
        : action === "load"
          ? await loadBrief(field!)
          : editBrief(current, env);
    const session = await openSession(dir);
    let changed: string[];
    try {
      changed = changedBriefFields(session.loom.brief, next);
      if (changed.length > 0) session.mutate((loom) => setBrief(loom, next));
    } finally {
      await session.close();
    }
    const version = (await readSession(dir)).loom.briefVersion;
    out.result({ session: dir, briefVersion: version, changed }, () =>
      changed.length > 0
        ? `brief version ${version} saved (changed: ${changed.join(", ")})`
        : `no change: the brief stays at version ${version}`,
    );
  },
});
