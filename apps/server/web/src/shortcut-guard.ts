// Decides whether a key press may act as a single-key shortcut: never while the writer types, and only once focus has settled.
const TEXT_INPUT_TYPES = new Set(["text", "search", "email", "url", "tel", "password", "number", ""]);

/** A key within this long of typing in a field, or of focus leaving one, is taken as part of the typing. */
const SETTLE_MS = 700;

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === "TEXTAREA" || target.tagName === "SELECT") return true;
  return target.tagName === "INPUT" && TEXT_INPUT_TYPES.has((target as HTMLInputElement).type);
}

export class ShortcutGuard {
  private lastTyping = -Infinity;

  constructor(doc: Document = document) {
    // Capture phase: seen before any handler can move focus.
    const typing = (e: Event) => {
      if (isTextField(e.target)) this.lastTyping = performance.now();
    };
    doc.addEventListener("keydown", typing, true);
    doc.addEventListener("focusout", typing, true);
  }

  allows(e: KeyboardEvent): boolean {
    if (e.defaultPrevented || e.metaKey || e.ctrlKey || e.altKey || e.repeat) return false;
    if (isTextField(e.target) || isTextField(document.activeElement)) return false;
    return performance.now() - this.lastTyping > SETTLE_MS;
  }
}
