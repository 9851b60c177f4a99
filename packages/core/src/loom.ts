// The Loom schema (the whole tree of one session) and creating a loom from a seed.
import { z } from "zod";
import { BriefSchema, BriefVersionSchema, type BriefInput } from "./brief.js";
import { DecisionEventSchema } from "./decision-event.js";
import { defaultEnv, type LoomEnv } from "./env.js";
import { NodeSchema } from "./node.js";
import { PieceSummarySchema } from "./piece-summary.js";
import { SessionConfigSchema, type SessionConfigInput } from "./session-config.js";
import { UndoEntrySchema } from "./undo-entry.js";

/** Format version of a serialised loom; bump it and add a migration when the shape changes. */
export const LOOM_FORMAT_VERSION = 1;

export const LoomSchema = z.object({
  version: z.literal(LOOM_FORMAT_VERSION),
  sessionId: z.string().min(1),
  rootId: z.string().min(1),
  nodes: z.record(z.string(), NodeSchema),
  decisions: z.record(z.string(), DecisionEventSchema),
  /** root … tip: the active branch. */
  currentPath: z.array(z.string()).min(1),
  /** Other branches kept for later, each a root path. */
  heldPaths: z.array(z.array(z.string()).min(1)).default([]),
  brief: BriefSchema,
  /** The current brief's version: 1 at creation, one more with each journaled change (see `setBrief`). */
  briefVersion: z.number().int().min(1).default(1),
  /** The briefs that earlier versions were, oldest first (the current one is `brief`). */
  briefHistory: z.array(BriefVersionSchema).default([]),
  config: SessionConfigSchema,
  createdAt: z.string(),
  /** Roots of subtrees hidden from views and exports (see `pruneNode`); kept in the record and restorable. */
  pruned: z.array(z.string()).default([]),
  /** Nodes the writer marked to come back to, in the order they were marked. */
  bookmarks: z.array(z.string()).default([]),
  /** The writer's tags on nodes, by node id. */
  tags: z.record(z.string(), z.array(z.string())).default({}),
  /** Nodes moved under another parent (see `reparentNode`), with the parent their decision offered them under. */
  movedFrom: z.record(z.string(), z.string()).default({}),
  /** The LLM-made summary of the piece's middle that selectors are shown once the piece outgrows their view (see piece-view.ts). */
  pieceSummary: PieceSummarySchema.nullable().default(null),
  /** What `undo` restores, latest last (bounded; see tree-history.ts). */
  undo: z.array(UndoEntrySchema).default([]),
  /** What `redo` restores, latest last; emptied by any new change to the tree. */
  redo: z.array(UndoEntrySchema).default([]),
});
export type Loom = z.infer<typeof LoomSchema>;

export interface CreateLoomInput {
  seed: string;
  brief?: BriefInput;
  config?: SessionConfigInput;
  sessionId?: string;
}

export function createLoom(input: CreateLoomInput, env: LoomEnv = defaultEnv): Loom {
  const now = env.now();
  const rootId = env.newId("node");
  return {
    version: LOOM_FORMAT_VERSION,
    sessionId: input.sessionId ?? env.newId("session"),
    rootId,
    nodes: {
      [rootId]: NodeSchema.parse({ id: rootId, parentId: null, text: input.seed, createdAt: now, origin: "seed" }),
    },
    decisions: {},
    currentPath: [rootId],
    heldPaths: [],
    brief: BriefSchema.parse(input.brief ?? {}),
    briefVersion: 1,
    briefHistory: [],
    config: SessionConfigSchema.parse(input.config ?? {}),
    createdAt: now,
    ...noTreeWork(),
  };
}

/** The loom's fields that record work on the tree, as a loom with none of it has them (new or imported). */
export function noTreeWork(): Pick<
  Loom,
  "pruned" | "bookmarks" | "tags" | "movedFrom" | "pieceSummary" | "undo" | "redo"
> {
  return { pruned: [], bookmarks: [], tags: {}, movedFrom: {}, pieceSummary: null, undo: [], redo: [] };
}
