// The start screen: existing sessions and a form to create one (seed, branching, segment length, selector).
import type { ApiClient, SessionPage } from "./api-client.js";
import { el } from "./format.js";

export async function renderHome(target: HTMLElement, api: ApiClient, open: (id: string) => void): Promise<void> {
  target.replaceChildren();
  const wrap = el("div", "home");
  const form = el("form", "create-form");
  form.dataset.testid = "create-form";
  form.append(el("h2", "", "New session"));
  const seed = el("textarea");
  seed.name = "seed";
  seed.placeholder = "Seed text: the beginning of the piece";
  seed.required = true;
  seed.dataset.testid = "seed-input";
  const field = (label: string, input: HTMLElement) => {
    const l = el("label", "", label);
    l.append(input);
    return l;
  };
  const number = (name: string, value: number, min: number, max: number) => {
    const i = el("input");
    i.type = "number";
    i.name = name;
    i.value = String(value);
    i.min = String(min);
    i.max = String(max);
    i.dataset.testid = `${name}-input`;
    return i;
  };
  const branching = number("branching", 4, 1, 9);
  const tokens = number("segmentTokens", 6, 1, 64);
  const selector = el("select");
  for (const m of ["human", "stateless", "agentic", "hybrid"]) selector.append(new Option(m, m));
  selector.dataset.testid = "selector-input";
  // An LLM selector needs a model; its API key stays in the server's environment.
  const selectorModel = el("input");
  selectorModel.placeholder = "claude-sonnet-5-5, gpt-4.1 or provider:model";
  selectorModel.dataset.testid = "selector-model-input";
  const modelField = field("Selector model", selectorModel);
  modelField.hidden = true;
  selector.addEventListener("change", () => (modelField.hidden = selector.value === "human"));
  const title = el("input");
  title.placeholder = "Title (optional)";
  form.append(
    field("Seed", seed),
    field("Title", title),
    field("Candidates per step", branching),
    field("Tokens per segment", tokens),
    field("Selector", selector),
    modelField,
  );
  const submit = el("button", "action primary", "Create");
  submit.type = "submit";
  submit.dataset.testid = "create-button";
  const error = el("p", "error");
  form.append(submit, error);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit.disabled = true;
    api
      .call<SessionPage>("POST", "/api/sessions", {
        seed: seed.value,
        brief: title.value ? { title: title.value } : {},
        generator: { branchingFactor: Number(branching.value), segmentTokens: Number(tokens.value) },
        selector:
          selector.value === "human"
            ? { mode: "human" }
            : { mode: selector.value, model: selectorModel.value.trim() || null },
      })
      .then((page) => open(page.id))
      .catch((err: Error) => {
        error.textContent = err.message;
        submit.disabled = false;
      });
  });
  const list = el("div", "session-list");
  list.append(el("h2", "", "Sessions"));
  wrap.append(form, list);
  target.append(wrap);
  try {
    const { sessions } = await api.call<{ sessions: { id: string; modifiedAt: string }[] }>("GET", "/api/sessions");
    if (sessions.length === 0) list.append(el("p", "hint", "No sessions yet."));
    const ul = el("ul");
    for (const s of sessions) {
      const a = el("a", "", s.id);
      a.href = `/s/${encodeURIComponent(s.id)}`;
      const li = el("li");
      li.append(a, el("span", "when", ` ${new Date(s.modifiedAt).toLocaleString()}`));
      ul.append(li);
    }
    list.append(ul);
  } catch (err) {
    list.append(el("p", "error", (err as Error).message));
  }
}
