// Entry point of the page: the session in the address (/s/<id>) or the start screen.
import { ApiClient } from "./api-client.js";
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
  header.append(home);
  const body = el("main");
  app.replaceChildren(header, body);
  const open = (id: string) => {
    history.pushState(null, "", `/s/${encodeURIComponent(id)}`);
    route();
  };
  const route = () => {
    const m = /^\/s\/([^/]+)$/.exec(location.pathname);
    if (m) void new SessionApp(body, api, decodeURIComponent(m[1]!)).start();
    else void renderHome(body, api, open);
  };
  window.addEventListener("popstate", () => location.reload());
  route();
}

main();
