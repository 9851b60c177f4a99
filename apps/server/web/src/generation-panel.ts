// Memory, author's note and sampling controls on the session page: a form read from and saved to …/generation (a journaled config change).
import type { ApiClient } from "./api-client.js";
import { el } from "./format.js";

type Settings = Record<string, unknown>;

/** The form's fields: how each is edited and turned back into the setting's value. */
const FIELDS: [name: string, label: string, kind: "text" | "int" | "number" | "lines" | "json"][] = [
  ["memory", "Memory (top of every prompt)", "text"],
  ["authorsNote", "Author's note", "text"],
  ["authorsNoteDepth", "Note depth (segments from the end)", "int"],
  ["stop", "Stop sequences (one a line)", "lines"],
  ["topK", "Top-k (empty: not sent)", "int"],
  ["minP", "Min-p (empty: not sent)", "number"],
  ["logitBias", "Logit bias (JSON, by token id)", "json"],
  ["extraBody", "Extra request fields (JSON)", "json"],
];

function toInput(kind: string, value: unknown): string {
  if (kind === "lines") return (value as string[]).join("\n");
  if (kind === "json") return Object.keys(value as object).length ? JSON.stringify(value) : "";
  return value === null || value === undefined ? "" : String(value);
}

/** The setting's value from the field's text; throws a message naming the field when it is not one. */
function fromInput(name: string, kind: string, raw: string): unknown {
  const text = raw.trim();
  if (kind === "text") return raw;
  if (kind === "lines") return raw.split("\n").filter((s) => s.trim().length > 0);
  if (kind === "json") {
    if (!text) return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${name}: not valid JSON`);
    }
  }
  if (!text) return name === "authorsNoteDepth" ? 3 : null;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`${name}: not a number`);
  return n;
}

export class GenerationPanel {
  readonly element = el("details", "generation-panel");
  private readonly form = el("form", "brief-form");
  private readonly saved = el("span", "brief-saved");
  private readonly inputs = new Map<string, HTMLInputElement | HTMLTextAreaElement>();
  private readonly presets = el("select");

  constructor(
    private readonly api: ApiClient,
    private readonly base: string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.element.dataset.testid = "generation-panel";
    for (const [name, label, kind] of FIELDS) {
      const input = kind === "text" || kind === "lines" ? el("textarea") : el("input");
      input.name = name;
      input.dataset.testid = `generation-${name}`;
      const row = el("label", "brief-field");
      row.append(el("span", "", label), input);
      this.form.append(row);
      this.inputs.set(name, input);
    }
    this.presets.dataset.testid = "generation-preset";
    const apply = el("button", "action small", "Apply preset");
    apply.type = "button";
    apply.dataset.testid = "generation-apply-preset";
    apply.addEventListener(
      "click",
      () => void this.put({ preset: this.presets.value }, `Preset ${this.presets.value} applied.`),
    );
    const row = el("label", "brief-field");
    row.append(el("span", "", "Preset"), el("span", "", ""));
    row.lastElementChild!.append(this.presets, apply);
    this.form.prepend(row);
    const save = el("button", "action small primary", "Save settings");
    save.type = "submit";
    save.dataset.testid = "generation-save";
    this.saved.setAttribute("aria-live", "polite");
    this.saved.dataset.testid = "generation-saved";
    this.form.append(save, this.saved);
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.save();
    });
    this.element.append(el("summary", "", "Memory, author's note, sampling"), this.form);
  }

  /** Read the settings into the form; they are returned too (null on failure) so the page reads them once. */
  async refresh(): Promise<Settings | null> {
    try {
      const settings = await this.api.call<Settings>("GET", `${this.base}/generation`);
      for (const [name, , kind] of FIELDS) this.inputs.get(name)!.value = toInput(kind, settings[name]);
      const chosen = this.presets.value;
      this.presets.replaceChildren(
        ...(settings.presets as string[]).map((p) => Object.assign(el("option", "", p), { value: p })),
      );
      if (chosen) this.presets.value = chosen;
      return settings;
    } catch (error) {
      this.onError(error);
      return null;
    }
  }

  private async save(): Promise<void> {
    let body: Settings;
    try {
      body = {};
      for (const [name, , kind] of FIELDS) body[name] = fromInput(name, kind, this.inputs.get(name)!.value);
    } catch (error) {
      this.saved.textContent = "";
      this.onError(error);
      return;
    }
    await this.put(body, "Saved: the next candidates are generated with these.");
  }

  private async put(body: Settings, said: string): Promise<void> {
    try {
      await this.api.call("PUT", `${this.base}/generation`, body);
      this.saved.textContent = said;
      await this.refresh();
    } catch (error) {
      this.saved.textContent = "";
      this.onError(error);
    }
  }
}
