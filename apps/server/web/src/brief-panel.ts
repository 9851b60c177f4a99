// The brief on the session page: a form that saves a new brief version (PUT …/brief), and the agent's proposed change put to the writer (approve or refuse).
import type { ApiClient } from "./api-client.js";
import { el } from "./format.js";

type Brief = Record<string, string | string[]>;

interface BriefState {
  brief: Brief;
  briefVersion: number;
  pendingChange: { changed: string[]; proposed: Brief; reason: string } | null;
}

/** The fields in the brief file's order; lists are edited one item a line. */
const FIELDS: [name: string, label: string, kind: "line" | "text" | "list"][] = [
  ["title", "Title", "line"],
  ["domain", "Domain", "line"],
  ["voice", "Voice", "line"],
  ["register", "Register", "line"],
  ["lengthHint", "Length", "line"],
  ["sectionIntent", "Section intent", "text"],
  ["leanInto", "Lean into (one a line)", "list"],
  ["avoid", "Avoid (one a line)", "list"],
  ["notes", "Notes", "text"],
  ["fewshotExamples", "Few-shot examples", "text"],
  ["roughDraft", "Rough draft", "text"],
];

const shown = (value: string | string[] | undefined): string =>
  Array.isArray(value) ? value.join(" · ") || "(none)" : value || "(empty)";

export class BriefPanel {
  readonly element = el("details", "brief-panel");
  /** The agent's proposal, shown above the text while it waits (the run waits with it). */
  readonly approval = el("div", "brief-approval");
  private readonly summary = el("summary", "", "Brief");
  private readonly form = el("form", "brief-form");
  private readonly saved = el("span", "brief-saved");
  private readonly inputs = new Map<string, HTMLInputElement | HTMLTextAreaElement>();
  private state: BriefState | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly api: ApiClient,
    private readonly base: string,
    private readonly onError: (error: unknown) => void,
  ) {
    this.element.dataset.testid = "brief-panel";
    this.approval.dataset.testid = "brief-approval";
    this.approval.hidden = true;
    this.approval.setAttribute("role", "alertdialog");
    for (const [name, label, kind] of FIELDS) {
      const input = kind === "line" ? el("input") : el("textarea");
      input.name = name;
      input.dataset.testid = `brief-${name}`;
      const row = el("label", "brief-field");
      row.append(el("span", "", label), input);
      this.form.append(row);
      this.inputs.set(name, input);
    }
    const save = el("button", "action small primary", "Save as a new version");
    save.type = "submit";
    save.dataset.testid = "brief-save";
    this.saved.setAttribute("aria-live", "polite");
    this.saved.dataset.testid = "brief-saved";
    this.form.append(save, this.saved);
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.save();
    });
    this.element.append(this.summary, this.form);
  }

  /** Read the brief (and any proposal waiting) again; calls that arrive meanwhile share one read. */
  refresh(): Promise<void> {
    this.loading ??= this.api
      .call<BriefState>("GET", `${this.base}/brief`)
      .then((state) => this.show(state))
      .catch((error: unknown) => this.onError(error))
      .finally(() => (this.loading = null));
    return this.loading;
  }

  private show(state: BriefState): void {
    const before = this.state?.briefVersion;
    this.state = state;
    this.summary.textContent = `Brief · version ${state.briefVersion}`;
    this.element.dataset.version = String(state.briefVersion);
    // A newer version replaces the fields; an unsaved edit of the same version is left alone.
    if (before !== state.briefVersion) {
      for (const [name, input] of this.inputs) {
        const value = state.brief[name];
        input.value = Array.isArray(value) ? value.join("\n") : (value ?? "");
      }
    }
    this.renderApproval(state.pendingChange);
  }

  private async save(): Promise<void> {
    const brief: Brief = {};
    for (const [name, , kind] of FIELDS) {
      const value = this.inputs.get(name)!.value;
      brief[name] =
        kind === "list"
          ? value
              .split("\n")
              .map((s) => s.trim())
              .filter(Boolean)
          : value;
    }
    try {
      const reply = await this.api.call<{ briefVersion: number; changed: string[] }>(
        "PUT",
        `${this.base}/brief`,
        brief,
      );
      this.saved.textContent = reply.changed.length
        ? `Saved as version ${reply.briefVersion} (${reply.changed.join(", ")}).`
        : `Nothing changed: still version ${reply.briefVersion}.`;
      await this.refresh();
    } catch (error) {
      this.onError(error);
    }
  }

  private renderApproval(pending: BriefState["pendingChange"]): void {
    const box = this.approval;
    box.hidden = pending === null;
    box.replaceChildren();
    if (!pending || !this.state) return;
    box.append(el("strong", "", "The selector proposes a change to the brief: "), el("span", "", pending.reason));
    const list = el("dl", "brief-diff");
    for (const field of pending.changed) {
      list.append(
        el("dt", "", field),
        el("dd", "brief-now", `now: ${shown(this.state.brief[field])}`),
        el("dd", "brief-new", `new: ${shown(pending.proposed[field])}`),
      );
    }
    const note = el("input");
    note.placeholder = "A word for the selector (optional)";
    note.dataset.testid = "brief-approval-note";
    const yes = el("button", "action primary", "Approve");
    yes.dataset.testid = "brief-approve";
    const no = el("button", "action", "Refuse");
    no.dataset.testid = "brief-refuse";
    const answer = (approved: boolean) => {
      yes.disabled = no.disabled = true;
      const body = note.value.trim() ? { approved, note: note.value.trim() } : { approved };
      this.api
        .call<BriefState>("POST", `${this.base}/brief/approval`, body)
        .then((state) => this.show(state))
        .catch((error: unknown) => {
          this.onError(error);
          void this.refresh();
        });
    };
    yes.addEventListener("click", () => answer(true));
    no.addEventListener("click", () => answer(false));
    box.append(list, note, yes, no);
  }
}
