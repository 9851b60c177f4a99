// `loom model pull`: download the small default model into the cache, with a progress bar.
import { join } from "node:path";
import { defineCommand } from "../cli/define-command.js";
import { DEFAULT_MODEL_URL, downloadModel } from "../model/download-model.js";
import { DEFAULT_MODEL_FILE, modelsDir } from "../model/model-locations.js";

export default defineCommand({
  name: "model pull",
  summary: "download the small default model into the cache",
  description:
    "Downloads a TinyStories GGUF (about 1 MB) from the Hugging Face hub into the cache directory, where the local engine finds it.\n" +
    "Without network it fails and says how to point LOOM_MODEL at a file instead.\n" +
    "LOOM_MODEL_URL overrides the download address; LOOM_FETCH_TIMEOUT_MS the idle timeout (default 30000).",
  options: {
    url: { type: "string", valueName: "URL", description: "download from here instead (default: $LOOM_MODEL_URL or the hub)" },
    name: { type: "string", valueName: "FILE", default: DEFAULT_MODEL_FILE, description: "file name in the cache" },
  },
  examples: [
    { command: "loom model pull", description: "Fetch stories260K.gguf into ~/.cache/loom/models." },
    { command: "LOOM_CACHE_DIR=/tmp/loom loom model pull", description: "Into another cache directory." },
    { command: "loom model pull --url https://example.org/my.gguf --name my.gguf", description: "Any GGUF file." },
  ],
  async run({ values, env, out, signal }) {
    const url = values.url ?? env.LOOM_MODEL_URL ?? DEFAULT_MODEL_URL;
    const dest = join(modelsDir(env), values.name.endsWith(".gguf") ? values.name : `${values.name}.gguf`);
    const timeout = Number(env.LOOM_FETCH_TIMEOUT_MS ?? 30_000);
    out.info(`downloading ${url}`);
    let lastShown = -1;
    const { bytes } = await downloadModel({
      url,
      dest,
      idleTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 30_000,
      signal,
      onProgress: (received, total) => {
        const pct = total ? Math.floor((received / total) * 100) : null;
        // On a terminal redraw a bar; in a log, a line per quarter.
        if (pct !== null && !out.streams.stderr.isTTY && Math.floor(pct / 25) === lastShown) return;
        lastShown = pct === null ? lastShown : Math.floor(pct / 25);
        out.progress(pct === null ? `${(received / 1e6).toFixed(1)} MB` : `${bar(pct)} ${pct}%  ${(received / 1e6).toFixed(1)} MB`);
      },
    });
    out.done();
    out.result({ path: dest, bytes, url }, () => `saved ${dest} (${bytes} bytes)`);
  },
});

function bar(pct: number, width = 24): string {
  const full = Math.round((pct / 100) * width);
  return `[${"#".repeat(full)}${"-".repeat(width - full)}]`;
}
