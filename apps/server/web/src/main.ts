// Entry point of the page: the session in the address (/s/<id>), the API's reference (/docs/api), the analysis (/analysis) or the start screen.
import { ApiClient } from "./api-client.js";
import { renderAnalysis } from "./analysis-view.js";
import { renderApiDocs } from "./api-view.js";
import { el } from "./format.js";
import { renderHome } from "./home-view.js";
import { SessionApp } from "./session-app.js";
import "./style.css";

function main(): void {
  const app = document.getElementById("app")!;
  const api = new ApiClient();
  const header = el("header", "top");
  const home = el("a", "brand", "Loom");
  home.href = "/";
  const docs = el("a", "docs-link", "API");
  docs.href = "/docs/api";
  docs.dataset.testid = "api-docs-link";
  const analysis = el("a", "docs-link", "Analysis");
  analysis.href = "/analysis";
  analysis.dataset.testid = "analysis-link";
  header.append(home, docs, analysis);
  const body = el("main");
  app.replaceChildren(header, body);
  // A server with a token and a tab without it (a link opened in a new tab): ask once, instead of retrying forever.
  api.onUnauthorized = () => body.replaceChildren(tokenPrompt(api.token !== null));
  const open = (id: string) => {
    history.pushState(null, "", `/s/${encodeURIComponent(id)}`);
    route();
  };
  const route = () => {
    const m = /^\/s\/([^/]+)$/.exec(location.pathname);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      // The glance (the text and the tree around the tip) is asked for first, while the page is being built.
      const glance = api.glance(id);
      glance.catch(() => {});
      void new SessionApp(body, api, id, glance).start();
    } else if (location.pathname === "/docs/api")
      renderApiDocs(body, api).catch((err: unknown) => {
        body.replaceChildren(el("p", "error", `The API's description could not be read: ${(err as Error).message}`));
      });
    else if (location.pathname === "/analysis") void renderAnalysis(body, api);
    else void renderHome(body, api, open);
  };
  window.addEventListener("popstate", () => location.reload());
  route();
}

/** The form that asks for the server's token and keeps it for this tab. */
function tokenPrompt(hadOne: boolean): HTMLElement {
  const form = el("form", "token-form");
  form.dataset.testid = "token-form";
  form.append(
    el("h2", "", "This server needs its token"),
    el(
      "p",
      "hint",
      hadOne
        ? "The token this tab has was refused. Paste the one the server printed when it started."
        : "Paste the token the server printed when it started (or open the link with ?token=… it printed).",
    ),
  );
  const input = el("input");
  input.type = "password";
  input.autocomplete = "off";
  input.dataset.testid = "token-input";
  input.setAttribute("aria-label", "Server token");
  const submit = el("button", "action primary", "Use this token");
  submit.type = "submit";
  form.append(input, submit);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!input.value.trim()) return;
    ApiClient.saveToken(input.value);
    location.reload();
  });
  setTimeout(() => input.focus(), 0);
  return form;
}

main();
