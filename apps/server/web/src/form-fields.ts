// Labelled form controls for the page's forms, each tagged with a test id from its name.
import { el } from "./format.js";

export function field(label: string, input: HTMLElement, hint?: string): HTMLLabelElement {
  const l = el("label", "", label);
  l.append(input);
  if (hint) l.append(el("small", "hint", hint));
  return l;
}

export function input(name: string, placeholder = ""): HTMLInputElement {
  const i = el("input");
  i.name = name;
  i.placeholder = placeholder;
  i.dataset.testid = `${name}-input`;
  return i;
}

export function numberInput(name: string, value: number, min: number, max: number): HTMLInputElement {
  const i = input(name);
  i.type = "number";
  i.value = String(value);
  i.min = String(min);
  i.max = String(max);
  return i;
}

export function select(
  name: string,
  values: readonly string[],
  labels: Record<string, string> = {},
): HTMLSelectElement {
  const s = el("select");
  s.name = name;
  s.dataset.testid = `${name}-input`;
  for (const v of values) s.append(new Option(labels[v] ?? v, v));
  return s;
}
