// The interactive tree of the whole loom, drawn on a canvas (stays fast at thousands of nodes) with d3-zoom for pan and zoom.
import { select } from "d3-selection";
import { zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from "d3-zoom";
import { formatLogprob } from "./format.js";
import {
  placeTree,
  treeData,
  type LaidNode,
  type LaidOutTree,
  type NodeStatus,
  type TreeSource,
} from "./tree-model.js";
import { treePositions } from "./tree-positions.js";

type Point = LaidNode;

/** Runs layouts in the worker (built beside the page as tree-worker.js), or here when there is no worker. */
class LayoutRunner {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly waiting = new Map<number, (positions: Float64Array) => void>();

  constructor() {
    try {
      this.worker = new Worker("/assets/tree-worker.js");
      this.worker.onmessage = (e: MessageEvent<{ seq: number; positions: Float64Array }>) => {
        this.waiting.get(e.data.seq)?.(e.data.positions);
        this.waiting.delete(e.data.seq);
      };
      this.worker.onerror = () => this.fallBack();
    } catch {
      this.worker = null;
    }
  }

  private fallBack(): void {
    this.worker?.terminate();
    this.worker = null;
    // Layouts that were waiting on the worker are not lost: the caller asks again.
    for (const resolve of this.waiting.values()) resolve(new Float64Array(0));
    this.waiting.clear();
  }

  positions(parents: Int32Array): Promise<Float64Array> {
    // A small tree (a glance's, a new session's) lays out here in a millisecond or two, without waiting for the
    // worker's script from a server that may be busy opening the session.
    if (!this.worker || parents.length < SMALL_TREE) return Promise.resolve(treePositions(parents));
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve);
      // Copied, not transferred: the caller still reads the parents to place the nodes.
      this.worker!.postMessage({ seq, parents });
    });
  }
}

/** Trees below this many nodes are laid out on the page's thread. */
const SMALL_TREE = 1500;

const COLORS: Record<NodeStatus, string> = {
  root: "#1f2937",
  path: "#2563eb",
  chosen: "#4b5563",
  rejected: "#9ca3af",
  open: "#059669",
  edited: "#7c3aed",
  pruned: "#d1d5db",
};

/** How the tree is shown: which subtrees are folded, hoisted or pruned (the layout depends on these). */
export interface TreeShape {
  pruned: ReadonlySet<string>;
  showPruned: boolean;
  collapsed: ReadonlySet<string>;
  hoist: string | null;
}

/** Marks drawn over the nodes (no new layout): search hits, bookmarks, nodes not read yet. */
export interface TreeMarks {
  highlights: ReadonlySet<string>;
  bookmarks: ReadonlySet<string>;
  unread: ReadonlySet<string>;
}

export interface TreeViewHandlers {
  onSelect(nodeId: string): void;
  /** The keys that check out the focused node (Enter, c). */
  onCheckout?(nodeId: string): void;
  /** Following the tip was switched off by the user panning away, or back on. */
  onFollowChange?(follow: boolean): void;
}

/**
 * How often the tree is laid out again while nodes keep coming (a live run): the layout runs in a worker, but
 * placing 5,000+ nodes again costs the page a few ms each time; text and candidates update more often.
 */
const LAYOUT_EVERY_MS = 1000;

/** A full draw slower than this makes pan and zoom move the last drawn picture instead, until the gesture rests. */
const SLOW_DRAW_MS = 8;
/** How long pan and zoom must rest before the tree is drawn in full again. */
const REST_MS = 200;

export class TreeView {
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLDivElement;
  private readonly announcer: HTMLDivElement;
  private readonly zoomBehavior: ZoomBehavior<HTMLCanvasElement, unknown>;
  private transform: ZoomTransform = zoomIdentity;
  private laid: LaidOutTree | null = null;
  private selected: string | null = null;
  private hovered: Point | null = null;
  private frame = 0;
  private placed = false;
  private source: TreeSource | null = null;
  private layoutTimer: ReturnType<typeof setTimeout> | null = null;
  private layingOut = false;
  private readonly runner = new LayoutRunner();
  private lastLayoutAt = -Infinity;
  private followed: string | null = null;
  private following = true;
  /** Show the whole drawn tree after the next layout (a hoist changed what the tree is). */
  private refit = false;
  private pendingReveal: string | null = null;
  private shape: TreeShape = { pruned: new Set(), showPruned: false, collapsed: new Set(), hoist: null };
  private marks: TreeMarks = { highlights: new Set(), bookmarks: new Set(), unread: new Set() };
  /** The colour of labels and rings, from the page's colour scheme. */
  private ink = "#111827";
  /** How long the last frame took to draw, in ms (for the page's own performance checks). */
  lastDrawMs = 0;
  /** How long the last layout took, in ms. */
  lastLayoutMs = 0;
  /** How many layouts were made (a live run must not lay the tree out once per event). */
  layouts = 0;
  /** Full draws and moved-picture frames so far (for the page's own performance checks). */
  fullDraws = 0;
  quickDraws = 0;
  /** The last full draw as a picture, and the transform it was drawn at. */
  private readonly picture = document.createElement("canvas");
  private pictureAt: ZoomTransform | null = null;
  private moving = false;
  private restTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly handlers: TreeViewHandlers,
  ) {
    this.canvas = document.createElement("canvas");
    this.canvas.setAttribute("data-testid", "tree-canvas");
    this.canvas.setAttribute(
      "aria-label",
      "Tree of the loom: drag to pan, scroll to zoom, click a node to inspect it. Keys: arrows walk the tree (left parent, right first child, up and down siblings), Enter checks out, b next bookmark, n next unread.",
    );
    this.canvas.tabIndex = 0;
    this.announcer = document.createElement("div");
    this.announcer.className = "sr-only";
    this.announcer.setAttribute("aria-live", "polite");
    this.announcer.dataset.testid = "tree-announcer";
    container.append(this.announcer);
    this.canvas.addEventListener("keydown", (e) => this.key(e));
    this.tooltip = document.createElement("div");
    this.tooltip.className = "tree-tooltip";
    this.tooltip.hidden = true;
    container.append(this.canvas, this.tooltip);
    this.zoomBehavior = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.01, 6])
      .on("zoom", (event: { transform: ZoomTransform; sourceEvent: Event | null }) => {
        this.transform = event.transform;
        // A writer who pans or zooms away is looking at something: stop pulling the view to the tip.
        if (event.sourceEvent && event.sourceEvent.type !== "wheel" && this.following) this.setFollow(false);
        // A user's gesture on a big tree moves the last picture each frame; the tree is drawn again once it rests.
        if (event.sourceEvent && this.lastDrawMs > SLOW_DRAW_MS && this.pictureAt) {
          this.moving = true;
          if (this.restTimer) clearTimeout(this.restTimer);
          this.restTimer = setTimeout(() => {
            this.restTimer = null;
            this.moving = false;
            this.schedule();
          }, REST_MS);
        }
        this.schedule();
      });
    select(this.canvas).call(this.zoomBehavior).on("dblclick.zoom", null);
    this.canvas.addEventListener("mousemove", (e) => this.hover(e));
    this.canvas.addEventListener("mouseleave", () => {
      this.hovered = null;
      this.tooltip.hidden = true;
      this.schedule();
    });
    this.canvas.addEventListener("click", (e) => {
      const hit = this.hit(e);
      if (hit) {
        this.selected = hit.data.node.id;
        this.handlers.onSelect(hit.data.node.id);
        this.schedule();
      }
    });
    new ResizeObserver(() => this.resize()).observe(container);
    // Labels and rings take the page's text colour, read when the colour scheme changes (not on every frame).
    const readInk = () => {
      this.ink = getComputedStyle(this.container).color || "#111827";
      this.schedule();
    };
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", readInk);
    requestAnimationFrame(readInk);
    this.resize();
  }

  /** Whether the view pans to each new tip. */
  get follow(): boolean {
    return this.following;
  }

  setFollow(on: boolean): void {
    if (on === this.following) return;
    this.following = on;
    this.handlers.onFollowChange?.(on);
    if (on && this.source) this.focus(this.tipOf(this.source));
  }

  /** Fold, hoist or show pruned subtrees: the tree is laid out again at once. */
  setShape(shape: Partial<TreeShape>): void {
    if (shape.hoist !== undefined && shape.hoist !== this.shape.hoist) this.refit = true;
    this.shape = { ...this.shape, ...shape };
    this.container.dataset.hoist = this.shape.hoist ?? "";
    this.lastLayoutAt = -Infinity;
    if (this.layoutTimer) clearTimeout(this.layoutTimer);
    this.layoutTimer = null;
    if (this.source) this.update(this.source);
  }

  get currentShape(): TreeShape {
    return this.shape;
  }

  /** Search hits, bookmarks and unread nodes, drawn over the tree. */
  setMarks(marks: Partial<TreeMarks>): void {
    this.marks = { ...this.marks, ...marks };
    this.container.dataset.highlighted = String(this.marks.highlights.size);
    this.schedule();
  }

  /** For tests and tools: how a node is drawn now (null when it is not drawn: pruned, folded or outside a hoist). */
  drawnAs(nodeId: string): {
    status: NodeStatus;
    hiddenBelow: number;
    highlighted: boolean;
    bookmarked: boolean;
    unread: boolean;
    selected: boolean;
    root: boolean;
  } | null {
    const n = this.laid?.byId.get(nodeId);
    if (!n) return null;
    return {
      status: n.data.status,
      hiddenBelow: n.data.hidden,
      highlighted: this.marks.highlights.has(nodeId),
      bookmarked: this.marks.bookmarks.has(nodeId),
      unread: this.marks.unread.has(nodeId),
      selected: this.selected === nodeId,
      root: n.parent === null,
    };
  }

  private tipOf(source: TreeSource): string {
    return source.currentPath[source.currentPath.length - 1]!;
  }

  /**
   * The nodes changed: lay the tree out again, at once when the last layout is old, else once at the end of
   * the current interval (events of a fast run fold into one layout).
   */
  update(source: TreeSource): void {
    // The whole tree after a glance's part of it is laid out at once, not at the next interval.
    if (this.source?.partial && !source.partial) {
      this.lastLayoutAt = -Infinity;
      if (this.layoutTimer) clearTimeout(this.layoutTimer);
      this.layoutTimer = null;
    }
    this.source = source;
    if (this.layoutTimer) return;
    const wait = this.lastLayoutAt + LAYOUT_EVERY_MS - performance.now();
    if (wait <= 0) this.layoutNow();
    else this.layoutTimer = setTimeout(() => this.layoutNow(), wait);
  }

  private layoutNow(): void {
    this.layoutTimer = null;
    const source = this.source;
    // One layout at a time; an update that comes meanwhile is laid out when it is done.
    if (!source || this.layingOut) return;
    this.layingOut = true;
    const t0 = performance.now();
    const data = treeData({ ...source, ...this.shape });
    const count = data.data.length;
    void this.runner.positions(data.parents).then((positions) => {
      this.layingOut = false;
      this.lastLayoutAt = performance.now();
      this.lastLayoutMs = this.lastLayoutAt - t0;
      if (positions.length !== count * 2) {
        // The worker failed: lay out again, here.
        this.layoutNow();
        return;
      }
      this.laid = placeTree(data, positions);
      this.layouts++;
      // A glance's part of the tree is not the tree: its count is not the tree's, and the whole tree centres anew.
      if (source.partial) {
        this.container.dataset.preview = String(this.laid.nodes.length);
        delete this.container.dataset.nodeCount;
      } else {
        if (this.container.dataset.preview !== undefined) this.placed = false;
        delete this.container.dataset.preview;
        this.container.dataset.nodeCount = String(this.laid.nodes.length);
      }
      const tip = this.tipOf(source);
      if (!this.placed || (this.following && tip !== this.followed)) {
        this.placed = true;
        this.followed = tip;
        this.focus(tip);
      }
      if (this.refit) {
        this.refit = false;
        this.fit();
      }
      if (this.pendingReveal && this.laid.byId.has(this.pendingReveal)) {
        this.focus(this.pendingReveal);
        this.pendingReveal = null;
      }
      this.schedule();
      if (this.source !== source) this.update(this.source!);
    });
  }

  select(nodeId: string | null): void {
    this.selected = nodeId;
    if (nodeId) this.canvas.dataset.focusedNode = nodeId;
    this.schedule();
  }

  /** Select a node and bring it into view, now or once the next layout has drawn it. */
  reveal(nodeId: string): void {
    this.select(nodeId);
    if (this.following) this.setFollow(false);
    if (this.laid?.byId.has(nodeId) && !this.layoutTimer && !this.layingOut) this.focus(nodeId);
    else this.pendingReveal = nodeId;
  }

  /** Pan so `nodeId` sits in view (right of centre, where the tip grows). */
  focus(nodeId: string): void {
    const n = this.laid?.byId.get(nodeId);
    if (!n) return;
    const { width, height } = this.canvas.getBoundingClientRect();
    const k = this.transform.k === 1 && !this.placed ? 1 : this.transform.k;
    const t = zoomIdentity.translate(width * 0.7 - n.y * k, height / 2 - n.x * k).scale(k);
    select(this.canvas).call(this.zoomBehavior.transform, t);
  }

  /** Show the whole tree. */
  fit(): void {
    if (!this.laid) return;
    let minX = Infinity,
      maxX = -Infinity,
      minY = Infinity,
      maxY = -Infinity;
    for (const n of this.laid.nodes) {
      minX = Math.min(minX, n.x);
      maxX = Math.max(maxX, n.x);
      minY = Math.min(minY, n.y);
      maxY = Math.max(maxY, n.y);
    }
    const { width, height } = this.canvas.getBoundingClientRect();
    const k = Math.min(6, 0.9 * Math.min(width / (maxY - minY + 160), height / (maxX - minX + 40)));
    const t = zoomIdentity
      .translate(width / 2 - ((minY + maxY) / 2) * k, height / 2 - ((minX + maxX) / 2) * k)
      .scale(k);
    select(this.canvas).call(this.zoomBehavior.transform, t);
  }

  /** Walk the tree from the keyboard: arrows move between parent, children and siblings; Enter inspects; c checks out. */
  private key(e: KeyboardEvent): void {
    if (!this.laid || e.metaKey || e.ctrlKey || e.altKey) return;
    const current =
      (this.selected ? this.laid.byId.get(this.selected) : undefined) ??
      (this.source ? this.laid.byId.get(this.tipOf(this.source)) : undefined);
    if (!current) return;
    const siblings = current.parent?.children ?? [current];
    const at = siblings.indexOf(current);
    let next: Point | undefined;
    if (e.key === "ArrowLeft") next = current.parent ?? undefined;
    else if (e.key === "ArrowRight")
      next = current.children.find((c) => c.data.status === "path") ?? current.children[0];
    else if (e.key === "ArrowUp") next = siblings[at - 1];
    else if (e.key === "ArrowDown") next = siblings[at + 1];
    else if (e.key === "b" || e.key === "n")
      next = this.nextMarked(current, e.key === "b" ? this.marks.bookmarks : this.marks.unread);
    else if (e.key === "Enter" || e.key === "c") {
      this.handlers.onCheckout?.(current.data.node.id);
      e.preventDefault();
      e.stopPropagation();
      return;
    } else return;
    e.preventDefault();
    if (!next) return;
    this.selected = next.data.node.id;
    this.canvas.dataset.focusedNode = this.selected;
    const text = next.data.node.text.replace(/\s+/g, " ").trim();
    this.announcer.textContent = `${text || "(empty)"} · ${next.data.status} · logprob ${formatLogprob(next.data.node.stepLogprob)} · ${next.children.length} below`;
    if (this.following) this.setFollow(false);
    this.focus(this.selected);
    this.handlers.onSelect(this.selected);
    this.schedule();
  }

  /** The next drawn node after `from` (in the tree's order, wrapping) that is in `ids`. */
  private nextMarked(from: Point, ids: ReadonlySet<string>): Point | undefined {
    const nodes = this.laid!.nodes;
    const start = nodes.indexOf(from);
    for (let i = 1; i <= nodes.length; i++) {
      const n = nodes[(start + i) % nodes.length]!;
      if (ids.has(n.data.node.id)) return n;
    }
    return undefined;
  }

  /** For tests and tools: the ids of every node in the drawn tree. */
  nodeIds(): string[] {
    return this.laid ? this.laid.nodes.map((n) => n.data.node.id) : [];
  }

  /** For tests and tools: the parent of a node as drawn (the tree's links), or null. */
  parentOf(nodeId: string): string | null {
    return this.laid?.byId.get(nodeId)?.parent?.data.node.id ?? null;
  }

  /** For tests and tools: where a node is on screen (client coordinates), or null. */
  screenPositionOf(nodeId: string): { x: number; y: number } | null {
    const n = this.laid?.byId.get(nodeId);
    if (!n) return null;
    const rect = this.canvas.getBoundingClientRect();
    const [x, y] = this.transform.apply([n.y, n.x]);
    return { x: rect.left + x, y: rect.top + y };
  }

  private resize(): void {
    const { width, height } = this.container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(width * dpr));
    this.canvas.height = Math.max(1, Math.round(height * dpr));
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.pictureAt = null;
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.moving && this.pictureAt) {
        this.drawPicture(this.pictureAt);
        this.quickDraws++;
        return;
      }
      const t0 = performance.now();
      this.draw();
      this.lastDrawMs = performance.now() - t0;
      this.fullDraws++;
      this.keepPicture();
    });
  }

  /** Keep the frame just drawn, to be moved around while the user pans and zooms. */
  private keepPicture(): void {
    if (this.lastDrawMs <= SLOW_DRAW_MS || !this.laid) {
      this.pictureAt = null;
      return;
    }
    this.picture.width = this.canvas.width;
    this.picture.height = this.canvas.height;
    this.picture.getContext("2d")?.drawImage(this.canvas, 0, 0);
    this.pictureAt = this.transform;
  }

  /** The kept picture, scaled and shifted from the transform it was drawn at to the current one. */
  private drawPicture(at: ZoomTransform): void {
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const t = this.transform;
    const r = t.k / at.k;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.setTransform(r, 0, 0, r, dpr * (t.x - r * at.x), dpr * (t.y - r * at.y));
    ctx.drawImage(this.picture, 0, 0);
  }

  private hit(e: MouseEvent): Point | null {
    if (!this.laid) return null;
    const rect = this.canvas.getBoundingClientRect();
    const [wx, wy] = this.transform.invert([e.clientX - rect.left, e.clientY - rect.top]);
    const radius = Math.max(6, 9 / this.transform.k);
    let best: Point | null = null;
    let bestD = radius * radius;
    for (const n of this.laid.nodes) {
      const dx = n.y - wx;
      const dy = n.x - wy;
      const d = dx * dx + dy * dy;
      if (d <= bestD) {
        bestD = d;
        best = n;
      }
    }
    return best;
  }

  private hover(e: MouseEvent): void {
    const hit = this.hit(e);
    if (hit !== this.hovered) {
      this.hovered = hit;
      this.schedule();
    }
    if (!hit) {
      this.tooltip.hidden = true;
      this.canvas.style.cursor = "grab";
      return;
    }
    this.canvas.style.cursor = "pointer";
    const n = hit.data.node;
    const clar = hit.data.clarification ? " · clarification" : "";
    this.tooltip.textContent = `${JSON.stringify(n.text)}\nlogprob ${formatLogprob(n.stepLogprob)} · ${hit.data.status}${clar}`;
    this.tooltip.hidden = false;
    const rect = this.container.getBoundingClientRect();
    this.tooltip.style.left = `${e.clientX - rect.left + 12}px`;
    this.tooltip.style.top = `${e.clientY - rect.top + 12}px`;
  }

  private draw(): void {
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.laid) return;
    const t = this.transform;
    ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
    // The visible world rectangle, padded, so off-screen nodes cost nothing to draw.
    const [x0, y0] = t.invert([-50, -50]);
    const [x1, y1] = t.invert([this.canvas.width / dpr + 50, this.canvas.height / dpr + 50]);
    const visible = (n: Point) => n.y >= x0 - 160 && n.y <= x1 && n.x >= y0 && n.x <= y1;
    const px = 1 / t.k;

    // Links, batched by style: dimmed, normal, then the current path on top.
    const groups: Record<"dim" | "normal" | "path", Point[]> = { dim: [], normal: [], path: [] };
    // Far out, a link shorter than a pixel is not seen (the path's links are drawn anyway: they make its line).
    const minLink = 0.8 / t.k;
    for (const n of this.laid.nodes) {
      if (!n.parent || !(visible(n) || visible(n.parent))) continue;
      const s = n.data.status;
      if (s !== "path" && Math.abs(n.y - n.parent.y) + Math.abs(n.x - n.parent.x) < minLink) continue;
      groups[s === "path" ? "path" : s === "rejected" ? "dim" : "normal"].push(n);
    }
    // Far out a curve is a few pixels long: a straight line looks the same and costs less.
    const straight = t.k < 0.35;
    const stroke = (list: Point[], color: string, width: number) => {
      ctx.beginPath();
      for (const n of list) {
        const p = n.parent!;
        ctx.moveTo(p.y, p.x);
        if (straight) ctx.lineTo(n.y, n.x);
        else {
          const mx = (p.y + n.y) / 2;
          ctx.bezierCurveTo(mx, p.x, mx, n.x, n.y, n.x);
        }
      }
      ctx.strokeStyle = color;
      ctx.lineWidth = width * px;
      ctx.stroke();
    };
    stroke(groups.dim, "rgba(156,163,175,0.35)", 1);
    stroke(groups.normal, "#9ca3af", 1.2);
    stroke(groups.path, COLORS.path, 3);

    // Nodes batched by status (one fill per colour); far out, where a dot is a few pixels, squares are cheaper than arcs.
    const far = t.k < 0.35;
    const byStatus = new Map<NodeStatus, Point[]>();
    const visibleNodes: Point[] = [];
    // Far out, many nodes fall on the same pixel: one dot per pixel (the path's nodes always drawn).
    const cssW = Math.ceil(this.canvas.width / dpr) + 2;
    const cssH = Math.ceil(this.canvas.height / dpr) + 2;
    const taken = far ? new Uint8Array(cssW * cssH) : null;
    for (const n of this.laid.nodes) {
      if (!visible(n)) continue;
      if (taken && n.data.status !== "path" && n !== this.hovered && n.data.node.id !== this.selected) {
        const cx = Math.round(t.x + n.y * t.k) + 1;
        const cy = Math.round(t.y + n.x * t.k) + 1;
        if (cx >= 0 && cy >= 0 && cx < cssW && cy < cssH) {
          const cell = cy * cssW + cx;
          if (taken[cell]) continue;
          taken[cell] = 1;
        }
      }
      visibleNodes.push(n);
      const list = byStatus.get(n.data.status);
      if (list) list.push(n);
      else byStatus.set(n.data.status, [n]);
    }
    for (const [s, list] of byStatus) {
      const r = (s === "path" || s === "root" ? 5 : 4) * Math.max(px, 0.6);
      ctx.globalAlpha = s === "rejected" ? 0.35 : 1;
      ctx.fillStyle = COLORS[s];
      ctx.beginPath();
      for (const n of list) {
        if (far || s === "root") ctx.rect(n.y - r, n.x - r, 2 * r, 2 * r);
        else {
          ctx.moveTo(n.y + r, n.x);
          ctx.arc(n.y, n.x, r, 0, Math.PI * 2);
        }
      }
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    // Rings: clarifications, the selected and the hovered node.
    for (const n of visibleNodes) {
      const r = (n.data.status === "path" || n.data.status === "root" ? 5 : 4) * Math.max(px, 0.6);
      if (n.data.clarification) {
        ctx.lineWidth = 2.5 * px;
        ctx.strokeStyle = "#f59e0b";
        ctx.beginPath();
        ctx.arc(n.y, n.x, r + 3 * px, 0, Math.PI * 2);
        ctx.stroke();
      }
      const id = n.data.node.id;
      if (this.marks.highlights.has(id)) {
        ctx.lineWidth = 3 * px;
        ctx.strokeStyle = "#eab308";
        ctx.beginPath();
        ctx.arc(n.y, n.x, r + 4 * px, 0, Math.PI * 2);
        ctx.stroke();
      }
      if (this.marks.bookmarks.has(id)) {
        ctx.fillStyle = "#db2777";
        ctx.beginPath();
        ctx.moveTo(n.y - 3 * px, n.x - r - 8 * px);
        ctx.lineTo(n.y + 3 * px, n.x - r - 8 * px);
        ctx.lineTo(n.y, n.x - r - 3 * px);
        ctx.fill();
      }
      if (this.marks.unread.has(id)) {
        ctx.fillStyle = "#0ea5e9";
        ctx.beginPath();
        ctx.arc(n.y + r + 2 * px, n.x - r - 2 * px, 2.5 * px, 0, Math.PI * 2);
        ctx.fill();
      }
      if (n.data.hidden > 0) {
        ctx.font = `${10 * px}px system-ui, sans-serif`;
        ctx.fillStyle = this.ink;
        ctx.fillText(`+${n.data.hidden}`, n.y - r, n.x + r + 11 * px);
      }
      if (n.data.node.id === this.selected || n === this.hovered) {
        ctx.lineWidth = 2 * px;
        ctx.strokeStyle = this.ink;
        ctx.beginPath();
        ctx.arc(n.y, n.x, r + 5 * px, 0, Math.PI * 2);
        ctx.stroke();
      }
    }
    if (t.k >= 0.7 && visibleNodes.length < 3000) {
      ctx.font = `${11 * px}px system-ui, sans-serif`;
      for (const n of visibleNodes) {
        const s = n.data.status;
        const r = (s === "path" || s === "root" ? 5 : 4) * Math.max(px, 0.6);
        const text = n.data.node.text.replace(/\s+/g, " ").trim();
        ctx.globalAlpha = s === "rejected" ? 0.5 : 1;
        ctx.fillStyle = this.ink;
        ctx.fillText(text.length > 22 ? `${text.slice(0, 21)}…` : text, n.y + r + 4 * px, n.x + 4 * px);
      }
      ctx.globalAlpha = 1;
    }
  }
}
