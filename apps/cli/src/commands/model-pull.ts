// `loom model pull`: download the small default model into the cache, with a progress bar and its checksum verified.
import { join } from "node:path";
import { defineCommand } from "../cli/define-command.js";
import { DEFAULT_MODEL_SHA256, DEFAULT_MODEL_URL, downloadModel } from "../model/download-model.js";
import { DEFAULT_MODEL_FILE, lookupLocalModel, modelsDir } from "../model/model-locations.js";

export default defineCommand({
  name: "model pull",
  summary: "download the small default model into the cache",
  description:
    "Downloads a TinyStories GGUF (about 1 MB) from the Hugging Face hub into the cache directory, where the local engine finds it;\n" +
    "its SHA-256 is checked before it is kept. Without network it fails and says how to point LOOM_MODEL at a file instead.\n" +
    "--if-missing downloads only when no model is found anywhere (what scripts/setup.sh runs).\n" +
    "LOOM_MODEL_URL overrides the download address; LOOM_FETCH_TIMEOUT_MS the idle timeout (default 30000).",
  options: {
    url: {
      type: "string",
      valueName: "URL",
      description: "download from here instead (default: $LOOM_MODEL_URL or the hub)",
    },
    name: { type: "string", valueName: "FILE", default: DEFAULT_MODEL_FILE, description: "file name in the cache" },
    sha256: {
      type: "string",
      valueName: "HEX",
      description: "expected SHA-256 of the file (the default model's is built in)",
    },
    "if-missing": {
      type: "boolean",
      description: "do nothing when a model is already found (--model aside: LOOM_MODEL, the cache, the checkout)",
    },
  },
  examples: [
    { command: "loom model pull", description: "Fetch stories260K.gguf into ~/.cache/loom/models." },
    { command: "loom model pull --if-missing", description: "Only if no model is found anywhere (set-up scripts)." },
    { command: "LOOM_CACHE_DIR=/tmp/loom loom model pull", description: "Into another cache directory." },
    {
      command: "loom model pull --url https://example.org/my.gguf --name my.gguf --sha256 9f…",
      description: "Any GGUF file, checked.",
    },
  ],
  async run({ values, env, cwd, out, signal }) {
    if (values["if-missing"]) {
      const { choice, looked } = lookupLocalModel({ env, cwd });
      if (choice) {
        out.result(
          { path: choice.path, source: choice.source, downloaded: false },
          () => `a model is already available: ${choice.path} (from ${choice.source}); nothing downloaded`,
        );
        return;
      }
      out.info(`no model found (looked in: ${looked.join("; ")}): downloading the default model into the cache`);
    }
    const url = values.url ?? env.LOOM_MODEL_URL ?? DEFAULT_MODEL_URL;
    const name = values.name.endsWith(".gguf") ? values.name : `${values.name}.gguf`;
    const dest = join(modelsDir(env), name);
    // The default file has a known checksum wherever it is fetched from (a mirror via LOOM_MODEL_URL too).
    const sha256 =
      values.sha256?.toLowerCase() ??
      (name === DEFAULT_MODEL_FILE && values.url === undefined ? DEFAULT_MODEL_SHA256 : undefined);
    const timeout = Number(env.LOOM_FETCH_TIMEOUT_MS ?? 30_000);
    out.info(`downloading ${url}`);
    let lastShown = -1;
    const { bytes } = await downloadModel({
      url,
      dest,
      idleTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 30_000,
      signal,
      ...(sha256 ? { sha256 } : {}),
      onProgress: (received, total) => {
        const pct = total ? Math.floor((received / total) * 100) : null;
        // On a terminal redraw a bar; in a log, a line per quarter.
        if (pct !== null && !out.streams.stderr.isTTY && Math.floor(pct / 25) === lastShown) return;
        lastShown = pct === null ? lastShown : Math.floor(pct / 25);
        out.progress(
          pct === null ? `${(received / 1e6).toFixed(1)} MB` : `${bar(pct)} ${pct}%  ${(received / 1e6).toFixed(1)} MB`,
        );
      },
    });
    out.done();
    out.result(
      { path: dest, bytes, url, sha256: sha256 ?? null, downloaded: true },
      () => `saved ${dest} (${bytes} bytes${sha256 ? ", SHA-256 verified" : ""})`,
    );
  },
});

function bar(pct: number, width = 24): string {
  const full = Math.round((pct / 100) * width);
  return `[${"#".repeat(full)}${"-".repeat(width - full)}]`;
}
