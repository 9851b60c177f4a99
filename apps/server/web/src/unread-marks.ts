// Unread marks: nodes made since the writer last looked at this session in this browser (a small record in localStorage), until selected or marked read.
const KEY = (sessionId: string) => `loom:seen:${sessionId}`;

/** How many of the newest known ids the record keeps: enough that tree work removing a few still leaves one. */
const MARKS = 8;

/**
 * What a visit leaves behind: how many nodes the page knew and the last few of their ids, in the order the
 * server lists nodes (creation order; new nodes come last). Every node up to the newest mark still there was
 * seen, whatever the session's size: a few hundred bytes where a list of every id was ~2 MB at 100,000 nodes.
 */
interface SeenRecord {
  v: 2;
  count: number;
  marks: string[];
}

/** The stored record: the compact one, or an older page's list of every seen id; null on a first visit. */
function readRecord(sessionId: string): SeenRecord | Set<string> | null {
  try {
    const raw = localStorage.getItem(KEY(sessionId));
    const parsed = raw ? (JSON.parse(raw) as unknown) : null;
    if (Array.isArray(parsed)) return new Set(parsed.filter((id): id is string => typeof id === "string"));
    const r = parsed as Partial<SeenRecord> | null;
    if (r?.v === 2 && Number.isInteger(r.count) && Array.isArray(r.marks)) return r as SeenRecord;
  } catch {
    // A damaged record counts as none.
  }
  return null;
}

/** How many of `ids` (in order) the record says were seen. */
function seenPrefix(ids: readonly string[], record: SeenRecord): number {
  const marks = new Set(record.marks);
  for (let i = ids.length - 1; i >= 0; i--) if (marks.has(ids[i]!)) return i + 1;
  // Every mark gone (tree work removed them): the count is the best guess left.
  return Math.min(record.count, ids.length);
}

export class UnreadMarks {
  /** The stored record of the last visit, until this visit's first look; null on a first visit. */
  private stored: SeenRecord | Set<string> | null;
  /** Every node this visit knows. */
  private readonly known = new Set<string>();
  private looked = false;
  private order: readonly string[] = [];
  readonly unread = new Set<string>();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly sessionId: string) {
    this.stored = readRecord(sessionId);
    // A live run adds nodes every few hundred ms: the record is written at most once a second, and on leaving.
    addEventListener("pagehide", () => this.saveNow());
  }

  /**
   * Learn the nodes the page knows, in the server's order. Nodes not seen before are unread (on a first visit
   * every node is taken as seen); the stored record becomes every node known now, so the next visit marks only
   * what is newer.
   */
  learn(ids: Iterable<string>, onPath: readonly string[]): void {
    const order = [...ids];
    const first = !this.looked;
    let added = first;
    if (first) {
      const stored = this.stored;
      const seen = stored === null ? order.length : stored instanceof Set ? -1 : seenPrefix(order, stored);
      for (let i = 0; i < order.length; i++) {
        const id = order[i]!;
        this.known.add(id);
        const wasSeen = stored instanceof Set ? stored.has(id) : i < seen;
        if (!wasSeen) this.unread.add(id);
      }
      this.looked = true;
      this.stored = null;
    } else {
      for (const id of order) {
        if (this.known.has(id)) continue;
        this.known.add(id);
        this.unread.add(id);
        added = true;
      }
    }
    this.order = order;
    // The text on the page is read as it is shown.
    for (const id of onPath) this.unread.delete(id);
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
    if (!this.looked) return;
    const record: SeenRecord = { v: 2, count: this.order.length, marks: this.order.slice(-MARKS) };
    try {
      localStorage.setItem(KEY(this.sessionId), JSON.stringify(record));
    } catch {
      // A full or disabled storage only costs the marks of the next visit.
    }
  }
}
