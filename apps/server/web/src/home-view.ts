// The start screen: the sessions (newest first, with title, seed, size and state) and a form to create one with what the CLI offers.
import type { ApiClient, SessionPage } from "./api-client.js";
import { alongsideFields } from "./alongside-fields.js";
import { el } from "./format.js";
import { field, input, numberInput, select } from "./form-fields.js";

interface SessionOptions {
  presets: string[];
  generatorProviders: string[];
  selectorModes: string[];
  selectorProviders: string[];
  modelFiles: string[];
  defaults: { generatorProvider: string; branchingFactor: number; segmentTokens: number };
  alongside: { provider: string; model: string; branchingFactor: number }[];
}

interface Listing {
  id: string;
  modifiedAt: string;
  title: string | null;
  seed: string;
  steps: number;
  nodes: number;
  bytes: number;
  state: string;
  problem?: string;
}

const BRIEF_TEXT_FIELDS = [
  ["title", "Title", "The piece's title"],
  ["domain", "Domain", "e.g. speculative fiction, essay, liturgy"],
  ["voice", "Voice", "Whose voice, and how it sounds"],
  ["register", "Register", "e.g. plain, lyrical, clinical"],
  ["lengthHint", "Length", "e.g. about 800 words"],
] as const;
const BRIEF_LIST_FIELDS = [
  ["leanInto", "Lean into (one per line)"],
  ["avoid", "Avoid (one per line)"],
] as const;
const STATE_WORDS: Record<string, string> = {
  open: "open",
  running: "running",
  stopped: "stopped",
  "awaiting-answer": "awaiting an answer",
  unreadable: "unreadable",
};

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(0)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function renderList(target: HTMLElement, sessions: Listing[]): void {
  if (sessions.length === 0) {
    target.append(el("p", "hint", "No sessions yet."));
    return;
  }
  const ul = el("ul", "sessions");
  ul.dataset.testid = "session-list";
  for (const s of sessions) {
    const li = el("li");
    li.dataset.sessionId = s.id;
    const a = el("a", "session-title", s.title || s.id);
    a.href = `/s/${encodeURIComponent(s.id)}`;
    const state = el("span", `state state-${s.state}`, STATE_WORDS[s.state] ?? s.state);
    state.dataset.testid = "session-state";
    const meta = el(
      "span",
      "meta",
      `${s.steps} steps · ${s.nodes} nodes · ${formatBytes(s.bytes)} · updated ${new Date(s.modifiedAt).toLocaleString()}`,
    );
    const seed = el("span", "seed", s.seed);
    li.append(a, state, seed, meta);
    if (s.problem) li.append(el("span", "error", s.problem));
    ul.append(li);
  }
  target.append(ul);
}

const IMPORT_FORMATS = [
  ["", "detect the format"],
  ["pyloom", "PyLoom (socketteer/loom)"],
  ["loomsidian", "Loomsidian data.json (Obsidian)"],
  ["miniloom", "MiniLoom / MiniHF"],
  ["tapestry", "Tapestry Loom (JSON weave)"],
  ["tapestry-binary-v1", "Tapestry Loom (binary .tapestry, format 1)"],
  ["tapestry-binary", "Tapestry Loom (binary .tapestry, format 2)"],
  ["exoloom", "Exoloom"],
  ["loom-export", "Loom JSON export"],
] as const;

/** The .tapestry magic: a file that starts with it goes to the server as base64 bytes, not as text. */
const TAPESTRY_MAGIC = "VersionedTapestryWeave__";

/** The upload as the import route's body fields: text, or base64 for a binary Tapestry weave. */
async function fileBody(f: File): Promise<{ text: string } | { base64: string }> {
  const bytes = new Uint8Array(await f.arrayBuffer());
  const head = String.fromCharCode(...bytes.subarray(0, TAPESTRY_MAGIC.length));
  if (head !== TAPESTRY_MAGIC) return { text: new TextDecoder().decode(bytes) };
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { base64: btoa(binary) };
}

/** A tree from another loom tool (or a Loom export): the file goes to /api/sessions/import, the first new session opens. */
function importSection(api: ApiClient, open: (id: string) => void): HTMLElement {
  const box = el("fieldset", "import");
  box.append(el("legend", "", "Import a tree"));
  const file = el("input");
  file.type = "file";
  file.accept = ".json,.tapestry,application/json";
  file.dataset.testid = "import-file";
  const format = el("select");
  format.dataset.testid = "import-format";
  for (const [value, label] of IMPORT_FORMATS) {
    const o = el("option", "", label);
    o.value = value;
    format.append(o);
  }
  const note = el("small", "hint");
  note.dataset.testid = "import-note";
  box.append(
    field("File (PyLoom, Loomsidian, MiniLoom, Tapestry, Exoloom, Loom)", file),
    field("Format", format),
    note,
  );
  file.addEventListener("change", () => {
    const f = file.files?.[0];
    if (!f) return;
    note.textContent = `reading ${f.name}…`;
    note.classList.remove("error");
    void fileBody(f)
      .then((body) =>
        api.call<{ format: string; sessions: { id: string; nodes: number; note?: string }[] }>(
          "POST",
          "/api/sessions/import",
          { ...body, fileName: f.name, ...(format.value ? { format: format.value } : {}) },
        ),
      )
      .then((r) => {
        const first = r.sessions[0]!;
        note.textContent = `imported ${r.format}: ${r.sessions.map((s) => `${s.note ?? s.id} (${s.nodes} nodes)`).join(", ")}`;
        open(first.id);
      })
      .catch((err: Error) => {
        note.textContent = err.message;
        note.classList.add("error");
        file.value = "";
      });
  });
  return box;
}

export async function renderHome(target: HTMLElement, api: ApiClient, open: (id: string) => void): Promise<void> {
  target.replaceChildren();
  const wrap = el("div", "home");
  const form = el("form", "create-form");
  form.dataset.testid = "create-form";
  const list = el("section", "session-list");
  list.append(el("h2", "", "Sessions"));
  wrap.append(list, form);
  target.append(wrap);

  const [options, sessions] = await Promise.all([
    api.call<SessionOptions>("GET", "/api/options").catch(() => null),
    api.call<{ sessions: Listing[] }>("GET", "/api/sessions").catch((err: Error) => err),
  ]);
  if (sessions instanceof Error) list.append(el("p", "error", sessions.message));
  else renderList(list, sessions.sessions);
  list.append(importSection(api, open));

  form.append(el("h2", "", "New session"));
  const seed = el("textarea");
  seed.name = "seed";
  seed.placeholder = "Seed text: the beginning of the piece";
  seed.required = true;
  seed.dataset.testid = "seed-input";
  form.append(field("Seed", seed));

  // The brief, as `loom new` takes it: fields, or a TOML / Markdown file read into the fields.
  const brief = el("fieldset", "brief");
  brief.append(el("legend", "", "Brief"));
  const upload = el("input");
  upload.type = "file";
  upload.accept = ".toml,.md,.markdown,.txt,text/plain,text/markdown";
  upload.dataset.testid = "brief-file";
  const uploadNote = el("small", "hint");
  uploadNote.dataset.testid = "brief-file-note";
  brief.append(field("Load a brief file (TOML, Markdown or text)", upload), uploadNote);
  const text: Record<string, HTMLInputElement> = {};
  for (const [name, label, placeholder] of BRIEF_TEXT_FIELDS) {
    text[name] = input(name, placeholder);
    brief.append(field(label, text[name]));
  }
  const lists: Record<string, HTMLTextAreaElement> = {};
  for (const [name, label] of BRIEF_LIST_FIELDS) {
    const t = el("textarea");
    t.name = name;
    t.rows = 2;
    t.dataset.testid = `${name}-input`;
    lists[name] = t;
    brief.append(field(label, t));
  }
  const notes = el("textarea");
  notes.name = "notes";
  notes.rows = 3;
  notes.dataset.testid = "notes-input";
  brief.append(field("Notes", notes));
  // Fields of a loaded brief the form has no box for (few-shot examples, section intent, draft) go along as they are.
  let extra: Record<string, unknown> = {};
  upload.addEventListener("change", () => {
    const file = upload.files?.[0];
    if (!file) return;
    uploadNote.textContent = "reading…";
    uploadNote.classList.remove("error");
    void file
      .text()
      .then((body) =>
        api.call<{ brief: Record<string, unknown> }>("POST", "/api/briefs/parse", { text: body, fileName: file.name }),
      )
      .then(({ brief: b }) => {
        for (const [name] of BRIEF_TEXT_FIELDS)
          text[name]!.value = typeof b[name] === "string" ? (b[name] as string) : "";
        for (const [name] of BRIEF_LIST_FIELDS)
          lists[name]!.value = Array.isArray(b[name]) ? (b[name] as string[]).join("\n") : "";
        notes.value = typeof b.notes === "string" ? b.notes : "";
        extra = Object.fromEntries(
          Object.entries(b).filter(
            ([k, v]) =>
              !["title", "domain", "voice", "register", "lengthHint", "leanInto", "avoid", "notes"].includes(k) &&
              v !== "" &&
              !(Array.isArray(v) && v.length === 0),
          ),
        );
        uploadNote.textContent = `loaded ${file.name}`;
      })
      .catch((err: Error) => {
        uploadNote.textContent = err.message;
        uploadNote.classList.add("error");
      });
  });
  form.append(brief);

  // Generation and selection, among what this server offers.
  const settings = el("fieldset", "settings");
  settings.append(el("legend", "", "Generation and selection"));
  const preset = select("preset", options?.presets ?? ["default", "stable"], {
    default: "default (6 tokens, 8 branches, temperature 1.0)",
    stable: "stable (8 tokens, 4 branches, temperature 0.85, top-p 0.92)",
  });
  const provider = select("provider", options?.generatorProviders ?? ["local"]);
  provider.value = options?.defaults.generatorProvider ?? "local";
  const modelFile = select("modelFile", options?.modelFiles ?? []);
  const modelFileField = field("Model file", modelFile);
  const generatorModel = input("generatorModel", "the provider's model name");
  const generatorModelField = field("Model", generatorModel);
  const syncProvider = () => {
    const local = provider.value === "local";
    modelFileField.hidden = !local || (options?.modelFiles.length ?? 0) === 0;
    generatorModelField.hidden = local;
  };
  provider.addEventListener("change", syncProvider);
  syncProvider();
  const branching = numberInput("branching", options?.defaults.branchingFactor ?? 4, 1, 64);
  const tokens = numberInput("segmentTokens", options?.defaults.segmentTokens ?? 6, 1, 256);
  const budget = numberInput("maxTokensTotal", 1500, 1, 1_000_000);
  // Branching and length follow the preset unless the writer changes them.
  let touched = false;
  for (const i of [branching, tokens]) i.addEventListener("input", () => (touched = true));
  preset.addEventListener("change", () => {
    if (touched) return;
    branching.value = preset.value === "stable" ? "4" : String(options?.defaults.branchingFactor ?? 8);
    tokens.value = preset.value === "stable" ? "8" : String(options?.defaults.segmentTokens ?? 6);
  });
  const selector = select("selector", options?.selectorModes ?? ["human", "stateless", "agentic", "hybrid", "auto"], {
    human: "human (you choose)",
    stateless: "stateless LLM",
    agentic: "agentic LLM",
    hybrid: "hybrid (LLM, you answer its questions)",
    auto: "automatic (the base model's favourite)",
  });
  // An LLM selector needs a model; its API key stays in the server's environment.
  const selectorModel = el("input");
  selectorModel.placeholder = "claude-sonnet-5-5, gpt-4.1 or provider:model";
  selectorModel.dataset.testid = "selector-model-input";
  const providers = options?.selectorProviders.length
    ? ` (this server offers ${options.selectorProviders.join(", ")})`
    : "";
  const modelField = field(`Selector model${providers}`, selectorModel);
  const syncSelector = () => (modelField.hidden = selector.value === "human" || selector.value === "auto");
  selector.addEventListener("change", syncSelector);
  syncSelector();
  settings.append(
    field("Preset", preset),
    field("Generator", provider),
    modelFileField,
    generatorModelField,
    field("Candidates per step", branching),
    field("Tokens per segment", tokens),
    field("Token budget", budget),
    field("Selector", selector),
    modelField,
  );
  const alongside = alongsideFields(
    options?.generatorProviders ?? ["local"],
    options?.modelFiles ?? [],
    options?.alongside ?? [],
  );
  settings.append(alongside.element);
  form.append(settings);

  const submit = el("button", "action primary", "Create");
  submit.type = "submit";
  submit.dataset.testid = "create-button";
  const error = el("p", "error");
  error.setAttribute("role", "alert");
  form.append(submit, error);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit.disabled = true;
    const briefBody: Record<string, unknown> = { ...extra };
    for (const [name] of BRIEF_TEXT_FIELDS) if (text[name]!.value.trim()) briefBody[name] = text[name]!.value.trim();
    for (const [name] of BRIEF_LIST_FIELDS) {
      const items = lists[name]!.value.split("\n")
        .map((x) => x.trim())
        .filter(Boolean);
      if (items.length) briefBody[name] = items;
    }
    if (notes.value.trim()) briefBody.notes = notes.value;
    const generator: Record<string, unknown> = {
      provider: provider.value,
      // Left as the form showed them, they are the preset's to set (a preset of the writer's own among them).
      ...(touched ? { branchingFactor: Number(branching.value), segmentTokens: Number(tokens.value) } : {}),
    };
    if (provider.value === "local" && !modelFileField.hidden && modelFile.value) generator.model = modelFile.value;
    if (provider.value !== "local" && generatorModel.value.trim()) generator.model = generatorModel.value.trim();
    // Sent even when empty: the writer who removed the server's default generators alongside means none.
    generator.alongside = alongside.value();
    api
      .call<SessionPage>("POST", "/api/sessions", {
        seed: seed.value,
        brief: briefBody,
        preset: preset.value,
        generator,
        maxTokensTotal: Number(budget.value),
        selector:
          selector.value === "human" || selector.value === "auto"
            ? { mode: selector.value }
            : { mode: selector.value, model: selectorModel.value.trim() || null },
      })
      .then((page) => open(page.id))
      .catch((err: Error) => {
        error.textContent = err.message;
        submit.disabled = false;
      });
  });
}
