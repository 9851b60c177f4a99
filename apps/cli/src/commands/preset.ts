// `loom preset`: named generation settings — list them, save a session's as one (yours, or the session's own), and use one on a session.
import { BUILT_IN_PRESETS, PresetNameSchema, applyPreset, presetOf, type GenerationPreset } from "@loom/core";
import { openSession, readSession, writePresetsFile } from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { UsageError } from "../cli/exit-error.js";
import { saveConfig } from "../session/save-config.js";
import { resolveSessionDir } from "../session/session-dir.js";
import { loadUserPresets, presetNamed, presetsFileOf } from "../session/user-presets.js";

const show = (p: GenerationPreset) =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(" ");

export default defineCommand({
  name: "preset",
  summary: "list, save and use named generation presets (yours in the config directory, or a session's own)",
  description:
    "list [SESSION]: the built-in presets, yours (presets.toml in $LOOM_CONFIG_DIR, $XDG_CONFIG_HOME/loom or\n" +
    "~/.config/loom) and the session's. save NAME SESSION: keep the session's sampling settings as your preset\n" +
    "(--in-session: as the session's own). use NAME SESSION: apply a preset to the session (journaled, like\n" +
    "`loom config set`). `loom new --preset NAME` starts a session with one.",
  positionals: [
    { name: "action", description: "list, save or use", required: true },
    { name: "name", description: "the preset (save, use); for list, the session" },
    { name: "session", description: "session directory (save, use)" },
  ],
  options: {
    "in-session": { type: "boolean", description: "save: keep the preset in the session, not in your presets file" },
  },
  examples: [
    { command: "loom preset save dreamy story", description: "Keep story's sampling settings as your preset dreamy." },
    { command: "loom new --seed 'It rained' --preset dreamy", description: "A new session with them." },
    { command: "loom preset use stable story", description: "Switch a session to the built-in stable preset." },
    { command: "loom preset list story --json", description: "Every preset the session can use, as JSON." },
  ],
  async run({ positionals, values, env, cwd, out }) {
    const { action, name, session } = positionals;
    const file = presetsFileOf(env);
    const user = await loadUserPresets(env);
    if (action === "list") {
      const dir = name === undefined ? null : resolveSessionDir(name, env, cwd);
      const own = dir ? (await readSession(dir)).loom.config.presets : {};
      const rows = [
        ...Object.entries(BUILT_IN_PRESETS).map(([n, p]) => ({ name: n, from: "built-in", preset: p })),
        ...Object.entries(own).map(([n, p]) => ({ name: n, from: "session", preset: p })),
        ...Object.entries(user).map(([n, p]) => ({ name: n, from: "user", preset: p })),
      ];
      out.result({ file, presets: rows }, () =>
        rows.map((r) => `${r.name.padEnd(16)} ${r.from.padEnd(9)} ${show(r.preset)}`).join("\n"),
      );
      return;
    }
    if (action !== "save" && action !== "use")
      throw new UsageError(`unknown action "${action}" (list, save or use)`, "see: loom preset --help");
    if (name === undefined || session === undefined)
      throw new UsageError(`loom preset ${action} needs NAME and SESSION`, `e.g. loom preset ${action} dreamy story`);
    const dir = resolveSessionDir(session, env, cwd);
    const opened = await openSession(dir);
    try {
      const config = opened.loom.config;
      if (action === "use") {
        const preset = presetNamed(name, { session: config.presets, user });
        saveConfig(opened, applyPreset(config, preset));
        out.result({ preset: name, applied: preset }, () => `${dir}: preset ${name} applied (${show(preset)})`);
        return;
      }
      const valid = PresetNameSchema.safeParse(name);
      if (!valid.success) throw new UsageError(`preset name "${name}": ${valid.error.issues[0]!.message}`);
      if (Object.hasOwn(BUILT_IN_PRESETS, name))
        throw new UsageError(`"${name}" is a built-in preset; choose another name`);
      const preset = presetOf(config.generator);
      if (values["in-session"]) {
        saveConfig(opened, { ...config, presets: { ...config.presets, [name]: preset } });
        out.result({ preset: name, saved: preset, in: dir }, () => `${dir}: preset ${name} saved in the session`);
        return;
      }
      await writePresetsFile(file, { ...user, [name]: preset });
      out.result({ preset: name, saved: preset, in: file }, () => `preset ${name} saved in ${file} (${show(preset)})`);
    } finally {
      await opened.close();
    }
  },
});
