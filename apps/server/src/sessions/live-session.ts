// One open session in the server: its driver, a serial queue for model calls, the SSE subscribers and a replay buffer of events.
import { serialQueue } from "@loom/core/internal";
import type { Loom } from "@loom/core";
import { decisionSummary, modelOf } from "../api/session-page.js";
import type { SseStream } from "../http/sse-stream.js";
import type { DriverEvent, SessionDriver } from "./session-driver.js";

export interface PublishedEvent {
  seq: number;
  type: string;
  data: DriverEvent;
}

const REPLAY_LIMIT = 5000;

export class LiveSession {
  /** Bumped on every change; keys the page cache and the ETag. */
  version = 0;
  private seq = 0;
  private readonly replay: PublishedEvent[] = [];
  private readonly subscribers = new Set<SseStream>();
  private readonly pageCache = new Map<string, string>();
  private runController: AbortController | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    readonly id: string,
    readonly driver: SessionDriver,
  ) {
    this.unsubscribe = driver.onEvent((event) => this.publish(event));
  }

  get running(): boolean {
    return this.runController !== null;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Mark the session changed (for mutations that may not emit an event). */
  touch(): void {
    this.version++;
    this.pageCache.clear();
  }

  publish(event: DriverEvent): void {
    this.touch();
    // The version travels with the event, so a client that applies events in place knows which version it shows.
    // Candidates and decisions travel with the decision record the server holds, so a client applies it as is
    // instead of rebuilding one from the event's fields.
    const id =
      event.type === "candidates" || event.type === "decision" || event.type === "expanded"
        ? event.decisionId
        : undefined;
    const record =
      typeof id === "string" && Object.hasOwn(this.driver.loom.decisions, id)
        ? this.driver.loom.decisions[id]
        : undefined;
    const data = {
      ...withModels(event, this.driver.loom),
      ...(record ? { decision: decisionSummary(record) } : {}),
      version: this.version,
    };
    const published: PublishedEvent = { seq: ++this.seq, type: event.type, data };
    this.replay.push(published);
    if (this.replay.length > REPLAY_LIMIT) this.replay.splice(0, this.replay.length - REPLAY_LIMIT);
    for (const s of this.subscribers) s.send({ id: published.seq, event: published.type, data: published.data });
  }

  /** Add an SSE subscriber; with `lastEventId` (a reconnect) it first receives what it missed. */
  subscribe(stream: SseStream, lastEventId: number | null): void {
    stream.send({
      event: "hello",
      data: { sessionId: this.id, version: this.version, seq: this.seq, running: this.running },
    });
    if (lastEventId !== null) {
      for (const e of this.replay) if (e.seq > lastEventId) stream.send({ id: e.seq, event: e.type, data: e.data });
    }
    this.subscribers.add(stream);
    stream.onClose(() => this.subscribers.delete(stream));
  }

  /** The JSON of a page, built once per version. */
  cachedPage(key: string, build: () => string): string {
    const k = `${this.version}:${key}`;
    let body = this.pageCache.get(k);
    if (body === undefined) {
      body = build();
      this.pageCache.set(k, body);
    }
    return body;
  }

  /** Run `work` as the session's writer (a turn of the store's writer lock when other server processes share it). */
  writerTurn<T>(work: () => Promise<T>): Promise<T> {
    return this.driver.writerTurn ? this.driver.writerTurn(work) : work();
  }

  /** Run model-calling work one at a time per session, so two generate requests never open two decisions. */
  readonly exclusive = serialQueue();

  /** Start a server-side selector run in the background; events report its progress. */
  startRun(maxSteps: number | undefined, onError: (error: unknown) => void): void {
    const controller = new AbortController();
    this.runController = controller;
    this.touch();
    this.publish({ type: "run-started", maxSteps: maxSteps ?? null });
    // The turn is taken before the queue, as every request does, so the two never wait on each other crosswise.
    void this.writerTurn(() =>
      this.exclusive(() =>
        this.driver.run({ ...(maxSteps !== undefined ? { maxSteps } : {}), signal: controller.signal }),
      ),
    )
      .catch((error: unknown) => {
        if (!controller.signal.aborted) onError(error);
      })
      .finally(() => {
        if (this.runController === controller) this.runController = null;
        this.publish({ type: "run-finished", aborted: controller.signal.aborted });
      });
  }

  cancelRun(): boolean {
    if (!this.runController) return false;
    this.runController.abort(new Error("run cancelled over HTTP"));
    return true;
  }

  async close(): Promise<void> {
    this.cancelRun();
    for (const s of this.subscribers) s.close();
    this.unsubscribe();
    await this.exclusive(async () => {});
    await this.driver.close();
  }
}

/** Candidates travel with the model that wrote each (several generators may share a step), as the session page has them. */
function withModels(event: DriverEvent, loom: Loom): DriverEvent {
  if (event.type !== "candidates" || !Array.isArray(event.candidates)) return event;
  return {
    ...event,
    candidates: (event.candidates as { id: string }[]).map((c) => {
      const node = loom.nodes[c.id];
      return { ...c, model: node ? modelOf(node) : null };
    }),
  };
}
