// Saves a changed session config through the journal (a `configure` op), so a crash cannot half-apply it.
import { configure, type SessionConfig } from "@loom/core";
import type { Session } from "@loom/io";

export function saveConfig(session: Session, config: SessionConfig): void {
  session.mutate((loom) => configure(loom, config));
}
