// `loom config`: a session's settings, read or changed without editing files (the change is journaled like any other).
import { openSession, readSession } from "@loom/io";
import { defineCommand } from "../cli/define-command.js";
import { UsageError } from "../cli/exit-error.js";
import { configEntries, setConfigKey } from "../session/config-keys.js";
import { checkGenerator } from "../session/generator-check.js";
import { resolveLocalModel } from "../model/model-locations.js";
import { saveConfig } from "../session/save-config.js";
import { resolveSessionDir } from "../session/session-dir.js";

export default defineCommand({
  name: "config",
  summary: "show or change a session's settings (model, sampling, selector, budget)",
  description:
    'With no action, lists every setting. `set KEY VALUE` changes one for every later run ("null" clears it);\n' +
    "the session must not be running. Keys: generator.provider, generator.model, generator.baseUrl,\n" +
    "generator.temperature, generator.topP, generator.segmentTokens, generator.branchingFactor, selector.mode,\n" +
    "selector.model, maxTokensTotal, maxSteps, …",
  positionals: [
    { name: "session", description: "session directory", required: true },
    { name: "action", description: "get or set (default: list everything)" },
    { name: "key", description: "a setting, e.g. generator.model" },
    { name: "value", description: "the new value (set only)" },
  ],
  options: {},
  examples: [
    { command: "loom config story", description: "Every setting of the session." },
    {
      command: "loom config story set generator.model ~/models/tiny.gguf",
      description: "Another model file for every later run.",
    },
    { command: "loom config story set maxTokensTotal 5000", description: "A bigger token budget." },
    { command: "loom config story get selector.mode --json", description: "One setting, as JSON." },
  ],
  async run({ positionals, env, cwd, out }) {
    const dir = resolveSessionDir(positionals.session, env, cwd);
    const { action, key, value } = positionals;
    if (action === undefined) {
      const { loom } = await readSession(dir);
      const entries = configEntries(loom.config);
      out.result({ session: dir, config: loom.config }, () =>
        entries.map(([k, v]) => `${k.padEnd(26)} ${JSON.stringify(v)}`).join("\n"),
      );
      return;
    }
    if (action === "get") {
      if (key === undefined)
        throw new UsageError("loom config SESSION get needs a KEY", "e.g. loom config story get generator.model");
      const { loom } = await readSession(dir);
      const found = configEntries(loom.config).find(([k]) => k === key);
      if (!found) throw new UsageError(`no setting "${key}"`, "`loom config SESSION` lists them");
      out.result({ key, value: found[1] }, () => JSON.stringify(found[1]));
      return;
    }
    if (action !== "set") throw new UsageError(`unknown action "${action}" (get or set)`, "see: loom config --help");
    if (key === undefined || value === undefined)
      throw new UsageError(
        "loom config SESSION set needs KEY and VALUE",
        "e.g. loom config story set generator.model davinci-002",
      );
    const session = await openSession(dir);
    try {
      const next = setConfigKey(session.loom.config, key, value);
      // A local model is stored as an absolute path (as `loom new` does), so a run from elsewhere finds it.
      if (key === "generator.model" && next.generator.provider === "local" && next.generator.model) {
        next.generator.model = resolveLocalModel({ flag: next.generator.model, env, cwd }).path;
      }
      // A subtree note belongs to a node of this session: one naming no node would never apply.
      for (const nodeId of Object.keys(next.generator.subtreeNotes))
        if (session.loom.nodes[nodeId] === undefined)
          throw new UsageError(
            `generator.subtreeNotes: no node "${nodeId}" in this session`,
            "`loom tree SESSION` lists the nodes",
          );
      checkGenerator(next.generator, "config");
      saveConfig(session, next);
    } finally {
      await session.close();
    }
    out.result(
      { key, value: configEntries((await readSession(dir)).loom.config).find(([k]) => k === key)?.[1] },
      () => `${key} = ${value} (saved)`,
    );
  },
});
