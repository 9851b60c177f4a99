// Shared setup of the page's browser tests: the real server with the built page, and Debian's Chromium through playwright-core.
/// <reference lib="dom" />
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { startServer, type LoomServer, type StartServerOptions } from "../src/index.js";
// @ts-expect-error: a plain .mjs build script without type declarations.
import { buildWeb } from "../scripts/build-web.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, "../../..");
export const ARTIFACTS = join(REPO, "test-artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** In CI the browser tests must run; elsewhere they are skipped only when there is no Chromium. */
export const noBrowser = !existsSync(CHROMIUM) && !process.env.CI;

/** Debian's Chromium, headless, with a fresh profile in `profileDir` (playwright passes it as --user-data-dir). */
export function launchChromium(profileDir: string, viewport = { width: 1400, height: 900 }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport,
  });
}

export interface BrowserRig {
  server: LoomServer;
  browser: BrowserContext;
  dir: string;
  sessionsDir: string;
  close(): Promise<void>;
}

export async function startBrowserRig(
  options: Partial<StartServerOptions> = {},
  viewport = { width: 1400, height: 900 },
): Promise<BrowserRig> {
  const dir = await mkdtemp(join(tmpdir(), "loom-page-"));
  const webDir = await buildWeb(join(dir, "web"));
  const sessionsDir = join(dir, "sessions");
  const server = await startServer({ port: 0, sessionsDir, webDir, log: () => {}, ...options });
  const browser = await launchChromium(join(dir, "profile"), viewport);
  return {
    server,
    browser,
    dir,
    sessionsDir,
    async close() {
      await browser.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The session version the page shows. */
export function shownVersion(page: Page): Promise<number> {
  return page.evaluate(() => Number(document.body.dataset.version ?? -1));
}

/** Wait until the page shows a version newer than `after` and nothing is in flight. */
export async function nextVersion(page: Page, after: number, timeout = 30_000): Promise<number> {
  await page.waitForFunction(
    (v) => Number(document.body.dataset.version ?? -1) > v && !document.querySelector(".busy"),
    after,
    { timeout },
  );
  return shownVersion(page);
}

/**
 * Where a tree node is on screen (client coordinates), from the tree view's own geometry. The tree is laid out
 * in a worker and follows the loom within a second, so this waits up to `timeout` for the node to be placed.
 */
export async function treePosition(
  page: Page,
  nodeId: string,
  timeout = 10_000,
): Promise<{ x: number; y: number } | null> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const pos = await page.evaluate(
      (id) =>
        (
          window as unknown as { loomTree: { screenPositionOf(id: string): { x: number; y: number } | null } }
        ).loomTree.screenPositionOf(id),
      nodeId,
    );
    if (pos !== null || Date.now() >= deadline) return pos;
    await page.waitForTimeout(50);
  }
}

/**
 * Run `check` (a group of assertions about what is on screen) until it passes or `timeout` ms pass, then throw its
 * last failure. A page that redraws after a live event may hide an element for a frame while it re-renders; what a
 * writer sees is the state the page settles in, so layout checks wait for it rather than sample one instant.
 */
export async function settles(page: Page, check: () => Promise<void>, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await page.waitForTimeout(100);
    }
  }
}

/** Click a node in the tree as a writer does (panned into view first), and wait for its inspector and tree-work panel. */
export async function pickNode(page: Page, id: string): Promise<void> {
  await page.evaluate((n) => (window as unknown as { loomTree: { focus(id: string): void } }).loomTree.focus(n), id);
  await settles(page, async () => {
    const pos = await treePosition(page, id);
    if (pos === null) throw new Error(`node ${id} is not drawn`);
    await page.mouse.click(pos.x, pos.y);
    await page.waitForSelector(
      `[data-testid="inspector"]:not([data-loading]) [data-testid="tree-work"][data-node-id="${id}"]`,
      { timeout: 1_000 },
    );
  });
}

/** Open a session's page in a new tab and wait until its history and tree are drawn. */
export async function openSessionPage(rig: BrowserRig, id: string): Promise<Page> {
  const page = await rig.browser.newPage();
  await page.goto(`${rig.server.url}/s/${id}`);
  await page.waitForSelector('[data-testid="history"] li');
  await page.waitForSelector('[data-testid="tree"][data-node-count]');
  return page;
}

/** True when the box lies inside `outer` (both client rectangles). */
export function inside(
  box: { x: number; y: number; width: number; height: number },
  outer: { x: number; y: number; width: number; height: number },
): boolean {
  return (
    box.x >= outer.x - 1 &&
    box.y >= outer.y - 1 &&
    box.x + box.width <= outer.x + outer.width + 1 &&
    box.y + box.height <= outer.y + outer.height + 1
  );
}

export interface MainThreadTasks {
  /** Wall-clock time of the measured work, in ms. */
  wallMs: number;
  /** The page's main-thread tasks over 50 ms of wall time (the long-task definition), from the page's own timeline. */
  longTasks: number[];
  /** CPU time of every main-thread task over 1 ms, from Chromium's trace (independent of how loaded the machine is). */
  taskCpuMs: number[];
}

/**
 * Run `work` while recording the page's main thread twice: the page's own PerformanceObserver long tasks (wall
 * clock), and Chromium's trace of the renderer's tasks with their thread CPU time. On a machine shared by many
 * processes a task's wall time also counts the time it waited for a core; its CPU time does not.
 */
export async function measureMainThread(page: Page, work: () => Promise<void>): Promise<MainThreadTasks> {
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: "longtask" } as PerformanceObserverInit);
  });
  const cdp = await page.context().newCDPSession(page);
  const events: {
    name: string;
    ph: string;
    pid: number;
    tid: number;
    dur?: number;
    tdur?: number;
    args?: { name?: string };
  }[] = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...(e.value as unknown as typeof events)));
  const complete = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.start", {
    categories: "disabled-by-default-devtools.timeline,devtools.timeline,__metadata",
    transferMode: "ReportEvents",
  } as never);
  const t0 = await page.evaluate(() => performance.now());
  await work();
  const t1 = await page.evaluate(() => performance.now());
  await cdp.send("Tracing.end");
  await complete;
  await cdp.detach();
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  // The renderer's main thread with the most work is this page's.
  const mains = new Set(
    events.filter((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`),
  );
  const perThread = new Map<string, number[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.name !== "RunTask" || e.ph !== "X" || !mains.has(key) || e.tdur === undefined) continue;
    const cpu = e.tdur / 1000;
    if (cpu < 1) continue;
    const list = perThread.get(key);
    if (list) list.push(cpu);
    else perThread.set(key, [cpu]);
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const taskCpuMs = [...perThread.values()].sort((a, b) => sum(b) - sum(a))[0] ?? [];
  return { wallMs: t1 - t0, longTasks, taskCpuMs };
}

/** A JSON call to the rig's API (as a second client beside the page); a failure throws with the status and body. */
export async function rigApi(rig: BrowserRig, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(rig.server.url + path, {
    method,
    headers: method === "GET" ? {} : { "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as any;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A test file's browser rig: started before its tests (not at all without a browser) and closed after them. */
export interface SharedRig {
  /** The rig; read it only inside tests and hooks. */
  readonly rig: BrowserRig;
  /** A JSON call to the rig's API, as {@link rigApi}. */
  api(method: string, path: string, body?: unknown): Promise<any>;
}

/** Registers the hooks that start one rig for the calling test file with `options()` and close it at the end. */
export function useBrowserRig(
  options: () => Partial<StartServerOptions> | Promise<Partial<StartServerOptions>> = () => ({}),
  viewport?: { width: number; height: number },
): SharedRig {
  let rig: BrowserRig | undefined;
  beforeAll(async () => {
    if (noBrowser) return;
    rig = await startBrowserRig(await options(), viewport);
  });
  afterAll(async () => rig?.close());
  return {
    get rig() {
      if (!rig) throw new Error("the browser rig is not started: use it inside a test");
      return rig;
    },
    api: (method, path, body) => rigApi(rig!, method, path, body),
  };
}

/** What `POST …/generate` answers: the open decision's id and its candidates. */
export interface GenerateReply {
  open: { decisionId: string; candidateNodeIds: string[] };
}

/** Creates session `id` from `body` (its seed and settings), then plays `picks` as {@link continueSession} does. */
export async function playSession(
  api: SharedRig["api"],
  id: string,
  body: Record<string, unknown>,
  picks: number[],
): Promise<GenerateReply[]> {
  await api("POST", "/api/sessions", { sessionId: id, ...body });
  return continueSession(api, id, picks);
}

/** One generate and choose on session `id` per entry of `picks`, choosing that candidate index; each step's reply. */
export async function continueSession(api: SharedRig["api"], id: string, picks: number[]): Promise<GenerateReply[]> {
  const steps: GenerateReply[] = [];
  for (const pick of picks) {
    const g = (await api("POST", `/api/sessions/${id}/generate`, {})) as GenerateReply;
    steps.push(g);
    await api("POST", `/api/sessions/${id}/choose`, {
      decisionId: g.open.decisionId,
      nodeId: g.open.candidateNodeIds[pick],
    });
  }
  return steps;
}
