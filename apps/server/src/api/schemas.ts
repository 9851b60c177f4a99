// zod schemas of every request body and query the API accepts: the single source for validation and the OpenAPI document.
import { BriefSchema, DecisionEventSchema, GeneratorConfigSchema, NodeSchema, SelectorConfigSchema } from "@loom/core";
import { z } from "zod";
import { SessionIdSchema } from "../sessions/session-id.js";

const Reason = z.string().max(4000);

/** A client may choose the generator and selector but never where files go (no outputDir) nor any key. */
export const CreateSessionBodySchema = z
  .object({
    seed: z.string().max(200_000),
    sessionId: SessionIdSchema.optional(),
    brief: BriefSchema.partial().optional(),
    preset: z
      .string()
      .max(64)
      .optional()
      .describe("A preset by name: default, stable, or one of the server's (GET /api/options lists them)."),
    generator: GeneratorConfigSchema.partial().optional(),
    selector: SelectorConfigSchema.partial().optional(),
    maxTokensTotal: z.number().int().positive().max(1_000_000).optional(),
    maxSteps: z.number().int().positive().nullable().optional(),
  })
  .strict();
export type CreateSessionBody = z.infer<typeof CreateSessionBodySchema>;

export const GenerateBodySchema = z
  .object({
    n: z.number().int().min(1).max(64).optional(),
    /** Add more candidates to the open decision instead of presenting it again. */
    reroll: z.boolean().optional(),
  })
  .strict();

export const RerollBodySchema = z.object({ n: z.number().int().min(1).max(64).optional() }).strict();

export const ChooseBodySchema = z
  .object({
    /** The decision the client saw; a stale one is refused with 409 so two clients cannot both decide a step. */
    decisionId: z.string().min(1),
    nodeId: z.string().min(1),
    reason: Reason.optional(),
  })
  .strict();

export const StopBodySchema = z
  .object({
    decisionId: z.string().min(1).optional(),
    reason: Reason.optional(),
  })
  .strict();

export const WriteBodySchema = z.object({ text: z.string().min(1).max(100_000) }).strict();

export const CheckoutBodySchema = z.object({ nodeId: z.string().min(1) }).strict();

export const AnswerClarificationBodySchema = z
  .object({
    answer: z.string().min(1).max(10_000),
    /** What the answer leads to: choosing a candidate (nodeId required) or stopping. */
    action: z.enum(["choose", "stop"]).default("choose"),
    nodeId: z.string().min(1).optional(),
    reason: Reason.optional(),
  })
  .strict()
  .refine((b) => b.action !== "choose" || b.nodeId !== undefined, {
    path: ["nodeId"],
    message: 'nodeId is required when action is "choose"',
  });

export const BudgetBodySchema = z
  .object({
    maxTokensTotal: z.number().int().positive().max(1_000_000).describe("The new token budget of the current path."),
  })
  .strict();

export const RunBodySchema = z.object({ maxSteps: z.number().int().positive().max(100_000).optional() }).strict();

const intFromQuery = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, "expected a non-negative integer")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? fallback)
    // What OpenAPI shows: the integer and its bounds, not the query string's text.
    .meta({ type: "integer", minimum: min, maximum: max, default: fallback });

export const SessionPageQuerySchema = z
  .object({
    /** Nodes per page, in creation order (parents always come before their children). */
    limit: intFromQuery(1, 5000, 500),
    /** Index of the first node of the page. */
    cursor: intFromQuery(0, Number.MAX_SAFE_INTEGER, 0),
    /** How many of the current path's latest steps `path` and `history` carry (the page asks for all it shows). */
    steps: intFromQuery(0, 1_000_000, 100),
  })
  .strict();

/** The tree's pages are bigger than the summary's: a 20,000-node tree is one page of columns. */
export const TreePageQuerySchema = SessionPageQuerySchema.omit({ steps: true })
  .extend({ limit: intFromQuery(1, 50_000, 20_000) })
  .strict();

export const ExportQuerySchema = z
  .object({
    format: z.enum(["json", "md", "dot", "txt"]).default("json"),
    purge: z
      .enum(["0", "1", "true", "false"])
      .optional()
      .describe(
        "json: 1 drops pruned subtrees; without it they stay, marked in loom.pruned, so an import keeps them hidden (md, dot and txt never show them).",
      ),
  })
  .strict();

// Response shapes (documented in OpenAPI; built by the server, not parsed at run time).

export const NodeSummarySchema = NodeSchema.pick({
  id: true,
  parentId: true,
  text: true,
  stepLogprob: true,
  decisionId: true,
  chosenBy: true,
  origin: true,
});

/** A candidate of the open decision, with the model that wrote it (several generators may share a step). */
export const OpenCandidateSchema = NodeSummarySchema.extend({
  model: z
    .string()
    .nullable()
    .describe("The generator that wrote it, as provider:model (a model file by its name); null for a writer's text."),
});

/** What the tree needs of a decision: which nodes it offered, what it did, whether it asked a question. */
export const TreeDecisionSchema = DecisionEventSchema.pick({
  id: true,
  parentNodeId: true,
  candidateNodeIds: true,
  action: true,
  chosenNodeId: true,
  chosenBy: true,
  clarificationQuestion: true,
  candidatesInTension: true,
});

/** A decision in full as the API shows it: the tree's fields, the reasons and the logprob gap. */
export const DecisionSummarySchema = TreeDecisionSchema.extend(
  DecisionEventSchema.pick({
    reason: true,
    whatHingesOnIt: true,
    humanResponse: true,
    maxLogprob: true,
    chosenLogprob: true,
    logprobGap: true,
    timestamp: true,
    resolvedAt: true,
    briefVersion: true,
  }).shape,
);

/** The whole new brief (a field left out becomes empty, as in a brief file); the change is a new brief version. */
export const PutBriefBodySchema = BriefSchema.partial().strict();

/** A held path as the API lists it (core's heldPathRows). */
export const HeldPathSchema = z.object({
  heldId: z.string().describe("h1, h2… in the order the paths were held."),
  tipId: z.string(),
  depth: z.number().int(),
  tokens: z.number().int(),
  branchesFrom: z.string().describe("The last node the held path shares with the current path."),
  textEnd: z.string().describe("The end of the path's text (up to 160 characters, … before a cut)."),
});

/** Where a page of nodes sits: its first index, its size, and where the next one starts (null after the last). */
const PageInfoSchema = z.object({
  cursor: z.number().int(),
  limit: z.number().int(),
  nextCursor: z.number().int().nullable(),
});

export const SessionPageSchema = z.object({
  id: z.string(),
  version: z.number().int().describe("Changes whenever the session changes; also the ETag."),
  rootId: z.string(),
  createdAt: z.string(),
  brief: BriefSchema,
  briefVersion: z.number().int().describe("The brief's version: 1 at creation, one more with each change."),
  config: z.record(z.string(), z.unknown()),
  text: z.string().describe("The text of the current path."),
  currentPath: z.array(z.string()),
  stopped: z.boolean(),
  running: z.boolean().describe("A server-side selector is driving the session."),
  totals: z.object({ nodes: z.number().int(), decisions: z.number().int() }),
  pathStart: z
    .number()
    .int()
    .describe("Index in `currentPath` of `path`'s first node (the query's `steps` keeps the latest steps only)."),
  path: z.array(NodeSummarySchema).describe("The nodes of the current path from `pathStart` to the tip."),
  history: z
    .array(DecisionSummarySchema)
    .describe("Decisions along the current path from `pathStart` on, oldest first (with a stop at the tip)."),
  open: z
    .object({ decision: DecisionSummarySchema, candidates: z.array(OpenCandidateSchema) })
    .nullable()
    .describe("The undecided decision at the tip, with its candidates."),
  pendingClarification: DecisionSummarySchema.nullable(),
  heldPaths: z.array(HeldPathSchema).describe("Paths kept for later (h1, h2…), to switch to."),
  nodes: z.array(NodeSummarySchema),
  decisions: z.array(DecisionSummarySchema).describe("Decisions that offered this page's nodes."),
  marks: z
    .object({
      pruned: z.array(z.string()).describe("Roots of pruned (hidden) subtrees."),
      bookmarks: z.array(z.string()),
      tags: z.record(z.string(), z.array(z.string())),
    })
    .describe("The writer's marks on the tree."),
  undo: z.string().nullable().describe("What undo would take back (an op name), or null."),
  redo: z.string().nullable().describe("What redo would put back, or null."),
  page: PageInfoSchema,
});

/** Longest node text the tree page carries (a step is a few words; a written passage is cut, marked with …). */
export const TREE_TEXT_MAX = 200;

export const TreePageSchema = z.object({
  version: z.number().int(),
  total: z.number().int().describe("Nodes in the session."),
  nodes: z
    .object({
      id: z.array(z.string()),
      parent: z
        .array(z.number().int())
        .describe(
          "Index (in the session's creation order) of each node's parent; -1 for the root. A node moved under a younger one names a parent on a later page.",
        ),
      text: z.array(z.string()).describe(`Each node's text, cut to ${TREE_TEXT_MAX} characters.`),
      stepLogprob: z.array(z.number().nullable()),
      decision: z
        .array(z.number().int())
        .describe("Index in `decisions` of the decision that offered each node; -1 for none (the root, an edit)."),
      origin: z.array(z.string()),
      chosenBy: z.array(z.string().nullable()),
    })
    .describe("The page's nodes as columns (no tokens): entry i of each column is one node."),
  decisions: z.array(TreeDecisionSchema).describe("Decisions that offered this page's nodes."),
  page: PageInfoSchema,
});

export const GlanceSchema = z.object({
  id: z.string(),
  read: z
    .enum(["open", "digest", "full"])
    .describe("From the open session, the snapshot's stored digest, or a whole read of the files."),
  path: z.array(z.string()).describe("Node ids of the current path, root first."),
  texts: z.array(z.string()).describe("Each path node's text (joined, the text so far)."),
  stats: z.object({ nodes: z.number().int(), decisions: z.number().int(), depth: z.number().int() }),
  tree: z
    .array(
      z.object({
        id: z.string(),
        parentId: z.string().nullable(),
        onCurrentPath: z.boolean(),
        text: z.string(),
        stepLogprob: z.number().nullable(),
        chosenBy: z.string().nullable(),
      }),
    )
    .describe("The tree around the tip (10 steps), parents first, branches folded at their first node."),
});

export const SessionSummaryListSchema = z.object({
  sessions: z.array(
    z.object({
      id: z.string(),
      /** Open in this server now (in memory). */
      open: z.boolean(),
      modifiedAt: z.string(),
      title: z.string().nullable(),
      seed: z.string().describe("The start of the seed."),
      steps: z.number().int(),
      nodes: z.number().int(),
      bytes: z.number().int().describe("Size of the session's files on disk."),
      state: z.enum(["open", "running", "stopped", "awaiting-answer", "unreadable"]),
      /** Why the session could not be read, when state is unreadable. */
      problem: z.string().optional(),
    }),
  ),
});

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

/** What GET /search answers: the hits, each with its path when asked. */
export const SearchReply = z.object({
  hits: z.array(
    z.object({
      nodeId: z.string(),
      field: z.enum(["text", "reason", "tag"]),
      snippet: z.string(),
      depth: z.number().int(),
      branchesFrom: z.string().nullable().describe("The last node shared with the current path; null when on it."),
      path: z.array(z.string()).optional().describe("root … node, with paths=1."),
    }),
  ),
});
export type SearchResults = z.infer<typeof SearchReply>;
