// One server-sent-events response: framed writes, a heartbeat so proxies keep it open, and clean close.
import type { ServerResponse } from "node:http";

export interface SseMessage {
  id?: number | string;
  event?: string;
  data: unknown;
}

export class SseStream {
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    options: { heartbeatMs?: number; retryMs?: number } = {},
  ) {
    res.socket?.setNoDelay(true);
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(`retry: ${options.retryMs ?? 2000}\n\n`);
    // A comment line every so often keeps idle connections from being cut by proxies and timeouts.
    this.heartbeat = setInterval(() => this.comment("keep-alive"), options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
    res.on("close", () => this.close());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(message: SseMessage): void {
    if (this.closed) return;
    let frame = "";
    if (message.id !== undefined) frame += `id: ${message.id}\n`;
    if (message.event) frame += `event: ${message.event}\n`;
    // JSON has no raw newlines, so one data line always suffices.
    frame += `data: ${JSON.stringify(message.data)}\n\n`;
    this.res.write(frame);
  }

  comment(text: string): void {
    if (!this.closed) this.res.write(`: ${text}\n\n`);
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    if (!this.res.writableEnded) this.res.end();
    for (const l of this.closeListeners.splice(0)) l();
  }
}
