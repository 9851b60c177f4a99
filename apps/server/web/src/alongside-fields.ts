// The new-session form's generators alongside the session's own: rows of provider, model and candidates per step, up to four.
import { el } from "./format.js";
import { field, input, numberInput, select } from "./form-fields.js";

export interface AlongsideChoice {
  provider: string;
  model: string;
  branchingFactor: number;
}

/** At most this many generators alongside (the session config's limit). */
const MOST = 4;

/**
 * Rows start as the server's own generators alongside (what `loom serve --alongside` configured); the writer may
 * change their counts, remove them, or add others among the providers and model files the server offers.
 */
export function alongsideFields(
  providers: readonly string[],
  modelFiles: readonly string[],
  initial: readonly AlongsideChoice[],
): { element: HTMLElement; value: () => AlongsideChoice[] } {
  const box = el("fieldset", "alongside");
  box.dataset.testid = "alongside";
  box.append(el("legend", "", "Generators alongside (their candidates join each step, each named by its model)"));
  const rows = el("div", "alongside-rows");
  const readers: { row: HTMLElement; read: () => AlongsideChoice }[] = [];
  const add = el("button", "action", "Add a generator alongside");
  add.type = "button";
  add.dataset.testid = "alongside-add";

  const sync = () => {
    add.disabled = readers.length >= MOST;
    readers.forEach((r, i) => {
      r.row.dataset.testid = `alongside-${i + 1}`;
    });
  };

  const addRow = (choice: AlongsideChoice) => {
    const row = el("div", "alongside-row");
    const provider = select("alongsideProvider", providers);
    provider.value = providers.includes(choice.provider) ? choice.provider : (providers[0] ?? "local");
    const file = select("alongsideModelFile", modelFiles);
    if (modelFiles.includes(choice.model)) file.value = choice.model;
    const name = input("alongsideModel", "the provider's model name");
    if (choice.provider !== "local") name.value = choice.model;
    const fileField = field("Model file", file);
    const nameField = field("Model", name);
    const count = numberInput("alongsideBranching", choice.branchingFactor, 1, 64);
    const syncProvider = () => {
      const local = provider.value === "local";
      fileField.hidden = !local;
      nameField.hidden = local;
    };
    provider.addEventListener("change", syncProvider);
    syncProvider();
    const remove = el("button", "action", "Remove");
    remove.type = "button";
    remove.dataset.testid = "alongside-remove";
    const entry = {
      row,
      read: (): AlongsideChoice => ({
        provider: provider.value,
        model: provider.value === "local" ? file.value : name.value.trim(),
        branchingFactor: Number(count.value),
      }),
    };
    remove.addEventListener("click", () => {
      readers.splice(readers.indexOf(entry), 1);
      row.remove();
      sync();
    });
    row.append(field("Generator", provider), fileField, nameField, field("Candidates per step", count), remove);
    readers.push(entry);
    rows.append(row);
    sync();
  };

  for (const choice of initial.slice(0, MOST)) addRow(choice);
  add.addEventListener("click", () =>
    addRow({ provider: providers[0] ?? "local", model: modelFiles[0] ?? "", branchingFactor: 2 }),
  );
  sync();
  box.append(rows, add);
  return { element: box, value: () => readers.map((r) => r.read()) };
}
