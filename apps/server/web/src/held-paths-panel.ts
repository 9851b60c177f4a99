// Held paths on the session page: hold the current path, and switch to a held one (the path left is held in its place).
import type { SessionPage } from "./api-client.js";
import { el } from "./format.js";

export interface HeldPathActions {
  hold(): void;
  switchTo(tipId: string): void;
}

export class HeldPathsPanel {
  readonly element = el("section", "held-paths");
  private readonly list = el("ol", "held-list");
  private readonly holdButton = el("button", "action small", "Hold this path");
  private readonly title = el("h3", "", "Held paths");

  constructor(private readonly actions: HeldPathActions) {
    this.element.dataset.testid = "held-paths";
    this.holdButton.dataset.testid = "hold-path";
    this.holdButton.title = "Keep the current path to come back to";
    this.holdButton.addEventListener("click", () => this.actions.hold());
    const bar = el("div", "held-bar");
    bar.append(this.title, this.holdButton);
    this.element.append(bar, this.list);
  }

  /** Show the session's held paths; buttons are off while a selector runs or an action is in flight. */
  render(page: SessionPage, busy: boolean): void {
    const held = page.heldPaths;
    const off = busy || page.running;
    const tip = page.currentPath[page.currentPath.length - 1];
    this.title.textContent = held.length ? `Held paths (${held.length})` : "Held paths";
    this.holdButton.disabled = off || held.some((h) => h.tipId === tip);
    this.list.replaceChildren(
      ...held.map((h) => {
        const row = el("li", "held-row");
        row.dataset.testid = `held-${h.heldId}`;
        const go = el("button", "action small", "Switch");
        go.dataset.testid = `switch-${h.heldId}`;
        go.disabled = off;
        go.title = `Continue from this path (${h.depth} steps); the current one is held in its place`;
        go.addEventListener("click", () => this.actions.switchTo(h.tipId));
        const end = h.textEnd.length > 90 ? `…${h.textEnd.slice(-90)}` : h.textEnd;
        row.append(el("span", "held-id", h.heldId), el("span", "held-text", end), go);
        return row;
      }),
    );
    if (held.length === 0) this.list.append(el("li", "held-empty", "None yet: hold a path to come back to it."));
  }
}
