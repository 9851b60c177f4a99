// Unread marks: nodes made since the writer last looked at this session in this browser (kept in localStorage), until selected or marked read.
const KEY = (sessionId: string) => `loom:seen:${sessionId}`;

export class UnreadMarks {
  /** Node ids seen on an earlier visit or read on this one; null on the first visit (nothing is unread then). */
  private seen: Set<string> | null;
  readonly unread = new Set<string>();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly sessionId: string) {
    let stored: string[] | null = null;
    try {
      const raw = localStorage.getItem(KEY(sessionId));
      stored = raw ? (JSON.parse(raw) as string[]) : null;
    } catch {
      stored = null;
    }
    this.seen = stored ? new Set(stored) : null;
    // A live run adds nodes every few hundred ms: the record is written at most once a second, and on leaving.
    addEventListener("pagehide", () => this.saveNow());
  }

  /**
   * Learn the nodes the page knows. Nodes not seen before are unread (on a first visit every node is taken as
   * seen); the stored record becomes every node known now, so the next visit marks only what is newer.
   */
  learn(ids: Iterable<string>, onPath: readonly string[]): void {
    const first = this.seen === null;
    const seen = this.seen ?? new Set<string>();
    let added = first;
    for (const id of ids) {
      if (seen.has(id)) continue;
      if (!first) this.unread.add(id);
      seen.add(id);
      added = true;
    }
    // The text on the page is read as it is shown.
    for (const id of onPath) this.unread.delete(id);
    this.seen = seen;
    // The first record is written at once: a visit cut short still counts as having looked.
    if (first) this.saveNow();
    else if (added) this.save();
  }

  read(id: string): boolean {
    return this.unread.delete(id);
  }

  readAll(): void {
    this.unread.clear();
  }

  private save(): void {
    this.saveTimer ??= setTimeout(() => this.saveNow(), 1000);
  }

  private saveNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    if (this.seen === null) return;
    try {
      localStorage.setItem(KEY(this.sessionId), JSON.stringify([...this.seen!]));
    } catch {
      // A full or disabled storage only costs the marks of the next visit.
    }
  }
}
