// A session's usage as the loop records it: added per call, announced to listeners, saved to the session at most so often.
import { USAGE_STATE_NAME } from "@loom/core";
import type { ModelUsage } from "@loom/selectors";
import type { EventBus } from "./event-bus.js";
import type { SessionLike } from "./session-like.js";
import { UsageTracker, type PriceTable, type SessionUsage } from "./usage.js";

export class UsageRecorder {
  #tracker: UsageTracker;
  #lastSave = 0;
  #dirty = false;

  constructor(
    private readonly session: SessionLike,
    private readonly priceTable: PriceTable,
    private readonly saveIntervalMs: number,
    private readonly bus: EventBus,
  ) {
    this.#tracker = new UsageTracker(priceTable);
  }

  /** Continue from the usage saved by an earlier process. */
  async load(): Promise<void> {
    this.#tracker = new UsageTracker(this.priceTable, await this.session.readState<SessionUsage>(USAGE_STATE_NAME));
  }

  /** The configured prices (US$ per million tokens). */
  get prices(): PriceTable {
    return this.priceTable;
  }

  snapshot(): SessionUsage {
    return this.#tracker.snapshot();
  }

  add(kind: "generator" | "selector", entry: ModelUsage): void {
    this.#tracker.add(kind, entry);
    this.#dirty = true;
    if (this.bus.listened) this.bus.emit({ type: "usage", usage: this.#tracker.snapshot() });
  }

  /** Save when something changed and the interval has passed (or always, with `force`). */
  async save(force: boolean): Promise<void> {
    if (!this.#dirty) return;
    const now = Date.now();
    if (!force && now - this.#lastSave < this.saveIntervalMs) return;
    this.#lastSave = now;
    this.#dirty = false;
    await this.session.writeState(USAGE_STATE_NAME, this.#tracker.snapshot());
  }
}
