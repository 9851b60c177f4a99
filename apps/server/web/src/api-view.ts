// The API's own reference on the page (/docs/api): every route with its parameters and bounds, the statuses it answers and the auth it needs, read from the server's OpenAPI document.
import type { ApiClient } from "./api-client.js";
import { el } from "./format.js";

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: { type?: string; minimum?: number; maximum?: number; default?: unknown };
}

interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: Parameter[];
  responses?: Record<string, { description?: string; headers?: Record<string, unknown> }>;
  security?: Record<string, unknown>[];
}

interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, { type: string; scheme?: string }> };
  security?: Record<string, unknown>[];
}

function bounds(p: Parameter): string {
  const s = p.schema ?? {};
  const range = s.minimum !== undefined || s.maximum !== undefined ? ` ${s.minimum ?? "…"}–${s.maximum ?? "…"}` : "";
  const fallback = s.default !== undefined ? `, default ${String(s.default)}` : "";
  return `${s.type ?? "value"}${range}${fallback}`;
}

function operationItem(method: string, path: string, op: Operation, secured: boolean): HTMLElement {
  const li = el("li", "api-op");
  li.dataset.operation = op.operationId ?? `${method} ${path}`;
  const head = el("div", "api-op-head");
  head.append(el("code", "api-method", method.toUpperCase()), el("code", "api-path", path));
  if (secured) head.append(el("span", "api-auth", "bearer"));
  li.append(head);
  if (op.summary) li.append(el("p", "hint", op.summary));
  const params = (op.parameters ?? []).filter((p) => p.in !== "path");
  if (params.length) {
    const list = el("ul", "api-params");
    for (const p of params) {
      const item = el("li", "");
      item.dataset.param = p.name;
      item.append(el("code", "", p.name), el("span", "", ` ${p.in} · ${bounds(p)}${p.required ? " · required" : ""}`));
      list.append(item);
    }
    li.append(list);
  }
  const statuses = el("ul", "api-statuses");
  for (const [code, r] of Object.entries(op.responses ?? {})) {
    const item = el("li", "");
    item.dataset.status = code;
    item.append(el("strong", "", code), el("span", "", ` ${r.description ?? ""}`));
    if (r.headers) item.append(el("span", "hint", ` (headers: ${Object.keys(r.headers).join(", ")})`));
    statuses.append(item);
  }
  li.append(statuses);
  return li;
}

/** Render the reference into `target`. */
export async function renderApiDocs(target: HTMLElement, api: ApiClient): Promise<void> {
  target.replaceChildren(el("p", "hint", "Reading the API's description…"));
  const doc = await api.call<OpenApiDocument>("GET", "/api/openapi.json");
  const box = el("section", "api-docs");
  box.dataset.testid = "api-docs";
  box.append(el("h2", "", `${doc.info.title} ${doc.info.version}`));
  if (doc.info.description) box.append(el("p", "", doc.info.description));
  const schemes = Object.entries(doc.components?.securitySchemes ?? {}).map(
    ([name, s]) => `${name}: ${s.type}${s.scheme ? ` (${s.scheme})` : ""}`,
  );
  if (schemes.length) box.append(el("p", "hint", `Authentication: ${schemes.join(", ")}`));
  const raw = el("a", "", "The OpenAPI document (JSON)");
  raw.href = "/api/openapi.json";
  box.append(raw);
  const list = el("ul", "api-ops");
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const secured = (op.security ?? doc.security ?? []).some((s) => Object.keys(s).length > 0);
      list.append(operationItem(method, path, op, secured));
    }
  }
  box.append(list);
  target.replaceChildren(box);
}
