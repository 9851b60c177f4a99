// Builds a Loom from another loom tool's tree, node by node (parents first), keeping what does not map in meta.import.<tool>.
import { randomUUID } from "node:crypto";
import { BriefSchema, SessionConfigSchema, TokenList, type Loom, type LoomNode, type Token } from "@loom/core";
import { LOOM_FORMAT_VERSION, noTreeWork } from "@loom/core/internal";
import { type CheckSite, type Field, type Json, refuse } from "./foreign-check.js";

/** The other tools whose files Loom reads (the key under each node's `meta.import`). */
export type ForeignTool = "pyloom" | "loomsidian" | "miniloom" | "tapestry" | "exoloom";

export interface ForeignNodeInput {
  id: string;
  parentId: string | null;
  /** This node's own segment (Loom's full text is the concatenation along the root path). */
  text: string;
  origin?: LoomNode["origin"];
  createdAt?: string;
  /** Plain tokens, or tokens packed as they were read (then `stepLogprob` comes with them). */
  tokens?: Token[] | TokenList;
  /** With packed tokens: the sum of their logprobs, or null when one has none (plain tokens are summed here). */
  stepLogprob?: number | null;
  scores?: Record<string, number>;
  /** Provenance Loom understands (model, finish reason…): a fresh object, which becomes the node's meta as it is. */
  meta?: Json;
  /** The tool's fields that have no place in Loom: kept under meta.import.<tool>, counted in the warnings. */
  unmapped?: Json;
}

/** What an import of another tool's file gives: the loom, and what the reader should know about it. */
export interface ForeignImport {
  loom: Loom;
  warnings: string[];
}

export class ForeignLoomBuilder {
  readonly nodes: Record<string, LoomNode> = {};
  readonly bookmarks: string[] = [];
  readonly tags: Record<string, string[]> = {};
  readonly warnings: string[] = [];
  private readonly firstChild = new Map<string, string>();
  private readonly unmappedCounts = new Map<string, number>();
  private rootId: string | null = null;
  private size = 0;

  constructor(
    readonly site: CheckSite,
    readonly tool: ForeignTool,
    readonly now: string,
  ) {}

  get nodeCount(): number {
    return this.size;
  }

  has(id: string): boolean {
    return Object.hasOwn(this.nodes, id);
  }

  /** Add one node; its parent must be added already. `field` names it in the file for errors. */
  add(n: ForeignNodeInput, field: Field): void {
    if (n.id === "__proto__" || Object.hasOwn(this.nodes, n.id))
      refuse(this.site, field, `repeats the node id "${n.id}"`, "unique node ids");
    if (n.parentId === null) {
      if (this.rootId !== null)
        refuse(this.site, field, `is a second root (the first is "${this.rootId}")`, "one root node");
      this.rootId = n.id;
    } else if (!Object.hasOwn(this.nodes, n.parentId)) {
      refuse(this.site, field, `names a parent "${n.parentId}" that is not in the file`, "a parent id of the file");
    } else if (!this.firstChild.has(n.parentId)) {
      this.firstChild.set(n.parentId, n.id);
    }
    let meta: Json = n.meta ?? {};
    if (n.unmapped !== undefined) {
      for (const key in n.unmapped) this.unmappedCounts.set(key, (this.unmappedCounts.get(key) ?? 0) + 1);
      // Assigned, not a computed key in a literal: V8 builds that per node through a slow path.
      const imported: Json = {};
      imported[this.tool] = n.unmapped;
      if (n.meta === undefined) meta = { import: imported };
      else meta.import = imported; // the node's own object (see ForeignNodeInput.meta): no copy per node
    }
    const tokens = n.tokens && n.tokens.length > 0 ? n.tokens : null;
    let step: number | null = null;
    if (TokenList.is(tokens)) step = n.stepLogprob ?? null;
    else if (tokens) {
      step = 0;
      for (const t of tokens) {
        if (t.logprob === undefined) {
          step = null;
          break;
        }
        step += t.logprob;
      }
    }
    this.nodes[n.id] = {
      id: n.id,
      parentId: n.parentId,
      text: n.text,
      tokens: tokens ? TokenList.from(tokens) : null,
      stepLogprob: step,
      decisionId: null,
      chosenBy: null,
      selectionReason: null,
      scores: n.scores ?? {},
      createdAt: n.createdAt ?? this.now,
      origin: n.origin ?? (n.parentId === null ? "seed" : "generated"),
      replacesId: null,
      meta,
    };
    this.size++;
  }

  bookmark(id: string): void {
    this.bookmarks.push(id);
  }

  tag(id: string, tag: string): void {
    const list = (this.tags[id] ??= []);
    if (!list.includes(tag)) list.push(tag);
  }

  warn(message: string): void {
    this.warnings.push(`${this.site.file}: ${message}`);
  }

  /** The Loom: current path to `tip` (default: first children from the root), brief titled `title`. */
  build(options: { tip?: string | undefined; title?: string; sessionId?: string; fileUnmapped?: Json }): ForeignImport {
    const rootId = this.rootId;
    if (rootId === null) refuse(this.site, "(top level)", "holds no nodes", "at least a root node");
    if (options.fileUnmapped !== undefined) {
      const root = this.nodes[rootId]!;
      const imported = (root.meta.import as Json | undefined)?.[this.tool] as Json | undefined;
      root.meta = { ...root.meta, import: { [this.tool]: { ...imported, file: options.fileUnmapped } } };
      this.warn(
        `kept the file's own settings in the root node's meta.import.${this.tool}.file: ${Object.keys(options.fileUnmapped).join(", ")}`,
      );
    }
    if (this.unmappedCounts.size > 0) {
      const counts = [...this.unmappedCounts].map(([k, n]) => `${k} (${n})`).join(", ");
      this.warn(`fields Loom has no place for are kept in each node's meta.import.${this.tool}: ${counts}`);
    }
    let tip = options.tip ?? rootId;
    if (options.tip === undefined) for (let c = this.firstChild.get(tip); c; c = this.firstChild.get(tip)) tip = c;
    const path: string[] = [];
    for (let id: string | null = tip; id !== null; id = this.nodes[id]!.parentId) path.push(id);
    path.reverse();
    const loom: Loom = {
      version: LOOM_FORMAT_VERSION,
      sessionId: options.sessionId ?? `${this.tool}-${randomUUID().slice(0, 8)}`,
      rootId,
      nodes: this.nodes,
      decisions: {},
      currentPath: path,
      heldPaths: [],
      brief: BriefSchema.parse(options.title ? { title: options.title } : {}),
      briefVersion: 1,
      briefHistory: [],
      config: SessionConfigSchema.parse({}),
      createdAt: this.nodes[rootId]!.createdAt,
      ...noTreeWork(),
      bookmarks: [...new Set(this.bookmarks)],
      tags: this.tags,
    };
    return { loom, warnings: this.warnings };
  }
}
