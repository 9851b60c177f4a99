// The orchestrator's listeners and the one place events are delivered to them.
import type { OrchestratorEvent, OrchestratorListener } from "./events.js";

export class EventBus {
  readonly #listeners = new Set<OrchestratorListener>();

  on(listener: OrchestratorListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether anyone listens (events that cost something to build are skipped otherwise). */
  get listened(): boolean {
    return this.#listeners.size > 0;
  }

  emit(event: OrchestratorEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A rendering bug in one listener must not break the session loop.
      }
    }
  }
}
