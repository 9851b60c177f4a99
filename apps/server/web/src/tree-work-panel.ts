// The selected node's tree work under the inspector: edit, split (at the caret or an offset), merge, prune or restore, move, bookmark, tags, fold and hoist.
import type { SessionPage } from "./api-client.js";
import { actionButton as button, el, fieldForm } from "./format.js";

/** What the panel asks the page to do; each change goes to the API's tree-work routes. */
export interface TreeWorkActions {
  /** POST /nodes/:nodeId/<action> with the body. */
  work(nodeId: string, action: string, body: Record<string, unknown>): void;
  /** The next node clicked in the tree becomes this node's new parent. */
  startMove(nodeId: string): void;
  toggleCollapse(nodeId: string): void;
  hoist(nodeId: string): void;
  /** Generate a look-ahead below the node (its cost shown, and confirmed for a paid service, first). */
  lookAhead(nodeId: string, depth: number, width: number): void;
  /** Set (or, with "", remove) the author's note for the subtree below the node. */
  subtreeNote(nodeId: string, note: string): void;
}

export interface TreeWorkState {
  collapsed: boolean;
  hoisted: boolean;
  hasChildren: boolean;
  /** The look-ahead shape last asked for (the fields start from it). */
  lookAhead: { depth: number; width: number };
  /** The author's note for the subtree below this node ("" when it has none). */
  subtreeNote: string;
}

/** The panel for `nodeId`, with its text (for edit and split) and the session's marks on it. */
export function treeWorkPanel(
  page: SessionPage,
  node: { id: string; text: string; parentId: string | null },
  state: TreeWorkState,
  actions: TreeWorkActions,
): HTMLElement {
  const box = el("div", "tree-work");
  box.dataset.testid = "tree-work";
  box.dataset.nodeId = node.id;
  const isRoot = node.parentId === null;
  const pruned = page.marks.pruned.includes(node.id);
  const bookmarked = page.marks.bookmarks.includes(node.id);

  // Edit and split share the text box: place the caret where the node should be split.
  const text = el("textarea", "tree-work-text");
  text.value = node.text;
  text.rows = 3;
  text.dataset.testid = "node-text";
  text.setAttribute("aria-label", "The node's text: edit it, or place the caret where to split it");
  const offset = el("input");
  offset.type = "number";
  offset.min = "1";
  offset.max = String(Math.max(1, node.text.length - 1));
  offset.placeholder = "offset";
  offset.dataset.testid = "split-offset";
  offset.setAttribute("aria-label", "Split at this character offset");
  const split = (at: number) => actions.work(node.id, "split", { offset: at });
  const row1 = el("div", "tree-work-row");
  row1.append(
    button(
      "Save edit",
      "edit-button",
      () => actions.work(node.id, "edit", { text: text.value }),
      "A new version beside it; the original stays in the record",
    ),
    button("Split at caret", "split-caret", () => split(text.selectionStart)),
    offset,
    button("Split at offset", "split-offset-button", () => split(Number(offset.value))),
  );
  const row2 = el("div", "tree-work-row");
  row2.append(button("Merge with child", "merge-button", () => actions.work(node.id, "merge", {})));
  if (!isRoot) {
    row2.append(
      pruned
        ? button("Restore", "restore-button", () => actions.work(node.id, "prune", { restore: true }))
        : button(
            "Prune",
            "prune-button",
            () => actions.work(node.id, "prune", {}),
            "Hide this subtree (kept in the record)",
          ),
      button("Move…", "move-button", () => actions.startMove(node.id), "Then click the node to move it under"),
    );
  }
  row2.append(
    button(bookmarked ? "Remove bookmark" : "Bookmark", "bookmark-button", () =>
      actions.work(node.id, "bookmark", { on: !bookmarked }),
    ),
  );
  if (state.hasChildren || state.collapsed)
    row2.append(
      button(state.collapsed ? "Expand" : "Collapse", "collapse-button", () => actions.toggleCollapse(node.id)),
    );
  if (!state.hoisted)
    row2.append(button("Hoist", "hoist-button", () => actions.hoist(node.id), "Show only this subtree"));

  const tags = el("div", "tree-work-row tags");
  tags.dataset.testid = "tags";
  for (const t of page.marks.tags[node.id] ?? []) {
    const chip = el("span", "tag", `#${t}`);
    const remove = button("×", `untag-${t}`, () => actions.work(node.id, "tag", { tag: t, on: false }), `Remove #${t}`);
    chip.append(remove);
    tags.append(chip);
  }
  const tagForm = fieldForm({
    className: "tag-form",
    type: "text",
    placeholder: "tag",
    label: "Add a tag",
    testid: "tag-input",
    button: "Tag",
    buttonTestid: "tag-button",
    submit: (tag) => {
      if (tag) actions.work(node.id, "tag", { tag });
    },
  });
  tags.append(tagForm);
  // Prompts below this node take this note instead of the session's author's note.
  const note = fieldForm({
    className: "subtree-note-form",
    type: "text",
    placeholder: "author's note for this subtree",
    label: "Author's note for the subtree below this node (empty removes it)",
    testid: "subtree-note",
    button: "Set note",
    buttonTestid: "subtree-note-button",
    value: state.subtreeNote,
    submit: (value) => actions.subtreeNote(node.id, value),
  });
  box.append(el("h4", "", "Tree work"), text, row1, row2, lookAheadRow(node.id, state.lookAhead, actions), tags, note);
  return box;
}

/** Depth and width of a look-ahead below the node, and the button that asks for it. */
function lookAheadRow(nodeId: string, last: { depth: number; width: number }, actions: TreeWorkActions): HTMLElement {
  const row = el("div", "tree-work-row look-ahead");
  const number = (testid: string, label: string, value: number, max: number) => {
    const input = el("input");
    input.type = "number";
    input.min = "1";
    input.max = String(max);
    input.value = String(value);
    input.dataset.testid = testid;
    input.setAttribute("aria-label", label);
    return input;
  };
  const depth = number("look-ahead-depth", "Look-ahead depth (levels below this node)", last.depth, 32);
  const width = number("look-ahead-width", "Look-ahead width (candidates per node)", last.width, 64);
  row.append(
    el("span", "look-ahead-label", "Look ahead"),
    depth,
    el("span", "", "levels ×"),
    width,
    el("span", "", "each"),
    button(
      "Expand",
      "look-ahead-button",
      () => actions.lookAhead(nodeId, Number(depth.value), Number(width.value)),
      "Generate this subtree without choosing (the cost is shown first)",
    ),
  );
  return row;
}
