// How a keyboard session leaves the loop early: quitting, or moving the tip elsewhere in the tree.

/** Thrown when the human presses q: the run ends, everything already chosen is on disk. */
export class QuitRequested extends Error {
  override readonly name = "QuitRequested";
  constructor() {
    super("quit at the keyboard");
  }
}

/**
 * Thrown after the human moved the tip elsewhere in the tree (going back, taking an earlier
 * alternative): the decision on screen stays open, stored, and the run continues from the new tip.
 */
export class Navigated extends Error {
  override readonly name = "Navigated";
  constructor(readonly nodeId: string) {
    super(`moved to ${nodeId}`);
  }
}

/** Moves the session's tip (the orchestrator's checkout), so the next step starts there. */
export type Navigate = (nodeId: string) => Promise<void>;

/** Branches inside `nodeId` at a token to one of its alternatives (a journaled tree op); resolves to the new node, now the tip. */
export type BranchAt = (nodeId: string, tokenIndex: number, alternative: number) => Promise<string>;
