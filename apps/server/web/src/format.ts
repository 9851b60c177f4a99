// Small display helpers shared by the page's views.

export function formatLogprob(value: number | null | undefined): string {
  return value === null || value === undefined ? "n/a" : value.toFixed(2);
}

/** Create an element with a class and optional text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = "",
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A small action button with a test id (and a tooltip). */
export function actionButton(label: string, testid: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = el("button", "action small", label);
  b.type = "button";
  b.dataset.testid = testid;
  if (title) b.title = title;
  b.addEventListener("click", onClick);
  return b;
}

/** One labelled text field and its submit button; `submit` gets the trimmed value (as typed with `keepSpaces`). */
export function fieldForm(spec: {
  className: string;
  type: "text" | "search";
  placeholder: string;
  label: string;
  testid: string;
  button: string;
  buttonTestid: string;
  /** Hand over the value untrimmed (where a leading space is part of the text). */
  keepSpaces?: boolean;
  /** What the field starts with. */
  value?: string;
  submit(value: string): void;
}): HTMLFormElement {
  const form = el("form", spec.className);
  const input = el("input");
  input.type = spec.type;
  input.placeholder = spec.placeholder;
  if (spec.value !== undefined) input.value = spec.value;
  input.dataset.testid = spec.testid;
  input.setAttribute("aria-label", spec.label);
  const go = el("button", "action small", spec.button);
  go.type = "submit";
  go.dataset.testid = spec.buttonTestid;
  form.append(input, go);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    spec.submit(spec.keepSpaces ? input.value : input.value.trim());
  });
  return form;
}
