// The seam between the HTTP layer and the packages that own sessions: what the server asks of one open session.
import type { Brief, FinalResolution, Loom, LoomOp } from "@loom/core";
import type { SessionStore } from "@loom/io";
import type { LookAheadEstimate, LookAheadResult, LookAheadShape } from "@loom/orchestrator";

/** An orchestrator event as the server forwards it: a `type` plus whatever the orchestrator sends. */
export interface DriverEvent {
  type: string;
  [key: string]: unknown;
}

export interface SessionDriver {
  /** The live loom (read only). */
  readonly loom: Loom;
  /** True when a server-side selector is configured, so `run` can drive the session. */
  readonly canRun: boolean;
  /** Why a session whose mode wants a server-side selector cannot run here (e.g. a missing API key), else null. */
  readonly whyNoRun?: string | null;
  generate(options: { n?: number; reroll?: boolean; signal?: AbortSignal }): Promise<void>;
  choose(nodeId: string, reason: string): Promise<void>;
  stop(reason: string): Promise<void>;
  write(text: string): Promise<void>;
  checkout(nodeId: string): Promise<void>;
  /** The writer's tree work: `change` runs one core op builder (split, prune, undo…); its op is journaled. */
  reshape(change: (loom: Loom) => LoomOp | { op: LoomOp }): Promise<void>;
  /** What a look-ahead below `nodeId` would cost (nodes, calls, tokens, US$ where priced); throws on a bad shape. */
  estimateExpansion(nodeId: string, shape: LookAheadShape): LookAheadEstimate;
  /** Generate the look-ahead: nothing chosen, the tip stays; each node's candidates journaled. */
  expand(nodeId: string, shape: LookAheadShape & { signal?: AbortSignal }): Promise<LookAheadResult>;
  /** Replace the brief (a new journaled version); resolves to the fields that changed. */
  setBrief(brief: Brief): Promise<string[]>;
  /** The agent's brief change waiting for the human's approval (a server-side run), else null. */
  readonly pendingBriefChange?: { changed: string[]; proposed: Brief; reason: string } | null;
  /** Approve or refuse the waiting brief change; false when none waits. */
  answerBriefChange?(answer: { approved: boolean; note?: string }): boolean;
  answerClarification(decisionId: string, answer: string, resolution: FinalResolution): Promise<void>;
  run(options: { maxSteps?: number; signal: AbortSignal }): Promise<void>;
  /** Change the session's token budget (journaled like any other change). */
  setBudget(maxTokensTotal: number): Promise<void>;
  onEvent(listener: (event: DriverEvent) => void): () => void;
  /**
   * Run `action` (which may call any of the methods above) as the session's one writer: a session shared with
   * other server processes takes the store's writer lock and applies their commits first. Absent: run it as is.
   */
  writerTurn?<T>(action: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Opens and creates sessions as drivers; the default one composes @loom/io and @loom/orchestrator. */
export interface SessionBackend {
  create(dir: string, loom: Loom): Promise<SessionDriver>;
  open(dir: string): Promise<SessionDriver>;
  /** Release shared resources (loaded models). */
  close?(): Promise<void>;
  /**
   * Where sessions live when not in the sessions directory (a database other server processes share): the hub
   * then names sessions to `create` and `open` by id, and lists them from here.
   */
  readonly store?: SessionStore;
}
