// The analysis view (/analysis): @loom/analysis over the server's sessions — the table, the charts (SVG drawn by the server with Vega from the report's Vega-Lite specs) and one session's divergences marked on its text.
import { ApiError, type ApiClient } from "./api-client.js";
import { el } from "./format.js";

type Cell = string | number | null;

/** A checkbox or radio button of the form, with its test id. */
function choice(type: "checkbox" | "radio", name: string, value: string, checked: boolean, testid: string) {
  const input = el("input");
  input.type = type;
  input.name = name;
  input.value = value;
  input.checked = checked;
  input.dataset.testid = testid;
  return input;
}

interface Segment {
  step: number;
  text: string;
  logprobGap: number | null;
  chosenBy: string | null;
  divergent: boolean;
}

/** What GET /api/analysis answers (the parts the view shows). */
export interface AnalysisReply {
  available: string[];
  sessions: string[];
  groupKeys: string[];
  report: { overall: { sessions: number }; threshold: number; positionBuckets: number; skipped: { path: string }[] };
  table: { columns: string[]; rows: Cell[][] };
  charts: { svg: string; data: Record<string, unknown[]> };
  marks: { sessionId: string; threshold: number; segments: Segment[] } | null;
}

/** A number as the table shows it: whole numbers as they are, others to three decimals; n/a for none. */
export function shownCell(value: Cell): string {
  if (value === null) return "n/a";
  if (typeof value === "string") return value;
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
}

function table(rows: AnalysisReply["table"]): HTMLTableElement {
  const t = el("table", "analysis-table");
  t.dataset.testid = "analysis-table";
  const head = el("tr");
  for (const c of rows.columns) head.append(el("th", "", c));
  const body = el("tbody");
  for (const row of rows.rows) {
    const tr = el("tr");
    row.forEach((cell, i) => {
      const td = el("td", typeof cell === "number" ? "num" : "", shownCell(cell));
      td.dataset.column = rows.columns[i]!;
      tr.append(td);
    });
    body.append(tr);
  }
  t.append(el("thead"), body);
  t.tHead!.append(head);
  return t;
}

/** The server's SVG as DOM nodes (parsed as SVG, never as HTML: the markup cannot run anything). */
function charts(svg: string): HTMLElement {
  const box = el("div", "analysis-charts");
  box.dataset.testid = "analysis-charts";
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  const root = doc.documentElement;
  if (root.nodeName === "svg") box.append(document.importNode(root, true));
  else box.append(el("p", "error", "The charts could not be drawn."));
  return box;
}

function piece(marks: NonNullable<AnalysisReply["marks"]>): HTMLElement {
  const p = el("p", "analysis-piece");
  p.dataset.testid = "analysis-piece";
  p.dataset.sessionId = marks.sessionId;
  for (const s of marks.segments) {
    const gap = s.logprobGap === null ? "no gap" : `gap ${s.logprobGap.toFixed(2)}`;
    const part = el(s.divergent ? "mark" : "span", s.divergent ? "divergent" : "", s.text);
    part.dataset.step = String(s.step);
    if (s.divergent) part.dataset.testid = "divergence";
    part.title = s.step === 0 ? "the seed" : `step ${s.step}: ${gap}${s.chosenBy ? `, chosen by ${s.chosenBy}` : ""}`;
    p.append(part);
  }
  return p;
}

/** The form's choices as the API's query (and the page's address, so a view can be linked). */
function queryOf(form: HTMLFormElement, available: string[]): URLSearchParams {
  const q = new URLSearchParams();
  const data = new FormData(form);
  const keys = data.getAll("groupBy").map(String);
  if (keys.length) q.set("groupBy", keys.join(","));
  for (const name of ["threshold", "buckets"]) {
    const v = String(data.get(name) ?? "").trim();
    if (v) q.set(name, v);
  }
  const chosen = data.getAll("session").map(String);
  if (chosen.length && chosen.length < available.length) q.set("sessions", chosen.join(","));
  const marks = String(data.get("marks") ?? "");
  if (marks && (chosen.length === 0 || chosen.includes(marks))) q.set("marks", marks);
  return q;
}

function form(reply: AnalysisReply, query: URLSearchParams, run: (q: URLSearchParams) => void): HTMLFormElement {
  const f = el("form", "analysis-form");
  f.dataset.testid = "analysis-form";
  const groups = el("fieldset");
  groups.append(el("legend", "", "Group by"));
  const chosenKeys = (query.get("groupBy") ?? "").split(",");
  for (const key of reply.groupKeys) {
    const label = el("label");
    label.append(choice("checkbox", "groupBy", key, chosenKeys.includes(key), `analysis-group-${key}`), ` ${key}`);
    groups.append(label);
  }
  const numbers = el("fieldset");
  numbers.append(el("legend", "", "Numbers"));
  const field = (name: string, text: string, value: number) => {
    const label = el("label", "", `${text} `);
    const input = el("input");
    input.name = name;
    input.inputMode = "decimal";
    input.size = 5;
    input.value = query.get(name) ?? String(value);
    input.dataset.testid = `analysis-${name}`;
    label.append(input);
    return label;
  };
  numbers.append(
    field("threshold", "divergence below gap", reply.report.threshold),
    field("buckets", "parts of the piece", reply.report.positionBuckets),
  );
  const sessions = el("fieldset", "analysis-sessions");
  sessions.append(el("legend", "", `Sessions (${reply.sessions.length} of ${reply.available.length})`));
  for (const id of reply.available) {
    const label = el("label");
    const box = choice("checkbox", "session", id, reply.sessions.includes(id), `analysis-session-${id}`);
    const radio = choice("radio", "marks", id, reply.marks?.sessionId === id, `analysis-marks-${id}`);
    radio.title = "mark this session's divergences on its text";
    label.append(box, ` ${id} `, radio);
    sessions.append(label);
  }
  const submit = el("button", "action primary", "Analyse");
  submit.type = "submit";
  submit.dataset.testid = "analysis-run";
  f.append(groups, numbers, sessions, submit);
  f.addEventListener("submit", (e) => {
    e.preventDefault();
    run(queryOf(f, reply.available));
  });
  return f;
}

/** Draws the view for the address's query, and again for each query the form sends. */
export async function renderAnalysis(body: HTMLElement, api: ApiClient): Promise<void> {
  const view = el("section", "analysis");
  view.dataset.testid = "analysis";
  body.replaceChildren(view);
  let runs = 0;
  const show = async (query: URLSearchParams) => {
    const run = ++runs;
    view.dataset.state = "loading";
    const qs = query.toString();
    try {
      const reply = await api.call<AnalysisReply>("GET", `/api/analysis${qs ? `?${qs}` : ""}`);
      if (run !== runs) return;
      const parts: HTMLElement[] = [
        el("h2", "", `Analysis of ${reply.report.overall.sessions} sessions`),
        form(reply, query, (q) => {
          history.replaceState(null, "", `/analysis${q.size ? `?${q}` : ""}`);
          void show(q);
        }),
      ];
      if (reply.report.skipped.length)
        parts.push(el("p", "error", `Not readable: ${reply.report.skipped.map((s) => s.path).join(", ")} (left out).`));
      parts.push(table(reply.table), charts(reply.charts.svg));
      const marks = el("section", "analysis-marks");
      marks.append(el("h3", "", "Divergences on the text"));
      if (reply.marks) {
        const n = reply.marks.segments.filter((s) => s.divergent).length;
        marks.append(
          el(
            "p",
            "hint",
            `${reply.marks.sessionId}: ${n} of its choices went against the base model by more than ${-reply.marks.threshold} nats (marked).`,
          ),
          piece(reply.marks),
        );
      } else marks.append(el("p", "hint", "No session to mark."));
      parts.push(marks);
      view.replaceChildren(...parts);
      view.dataset.state = "ready";
    } catch (error) {
      if (run !== runs) return;
      const message = error instanceof ApiError ? error.message : `The analysis failed: ${(error as Error).message}`;
      const p = el("p", "error", message);
      p.dataset.testid = "analysis-error";
      view.replaceChildren(el("h2", "", "Analysis"), p);
      view.dataset.state = "error";
    }
  };
  await show(new URLSearchParams(location.search));
}
