// Unread marks at the keyboard: the nodes shown to the writer in keyboard mode (offered at a step, on the path read, visited in the tree walk), kept with the session (side state).
import type { Loom } from "@loom/core";
import type { Session } from "@loom/io";

/** The side-state file's name (state/keyboard-seen.json in the session directory). */
export const SEEN_STATE = "keyboard-seen";

export class SeenMarks {
  private changed = false;

  private constructor(private readonly seen: Set<string>) {}

  /**
   * The record stored with the session. A session without one (keyboard mode never used it) starts with the
   * current path seen: its text is what the writer knows; everything else was never shown at the keyboard.
   */
  static async load(session: Session): Promise<SeenMarks> {
    const stored = await session.readState<string[]>(SEEN_STATE).catch(() => null);
    const marks = new SeenMarks(new Set(Array.isArray(stored) ? stored : session.loom.currentPath));
    marks.changed = !Array.isArray(stored);
    return marks;
  }

  /** The writer has been shown these nodes. */
  show(ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      this.changed = true;
    }
  }

  isUnread(loom: Loom, id: string): boolean {
    return id !== loom.rootId && !this.seen.has(id);
  }

  /** Write the record when it changed (the session must be open for writing). */
  async save(session: Session): Promise<void> {
    if (!this.changed) return;
    await session.writeState(SEEN_STATE, [...this.seen]);
    this.changed = false;
  }
}
