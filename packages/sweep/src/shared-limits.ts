// Per-provider request and token limits shared by every worker through the database: fixed windows on the database's clock, and a block after a 429.
import type { Sql } from "postgres";
import type { RateLimit } from "./plan-schema.js";

const UNLIMITED = 2_147_483_647;

/** Wait `ms`, or less if `signal` aborts (then throw its reason). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The limits of one sweep's providers. A request takes a slot in the current window of its provider (a row
 * counting requests and tokens, updated in one statement so two workers never both take the last slot); when
 * the window is full, or a 429 has blocked the provider, it waits for the next window or the block's end.
 * Each window is whole: no window holds more than its limits, across every worker (a single request larger
 * than a whole window's token budget is still let through alone, or it could never run).
 */
export class SharedLimits {
  constructor(
    private readonly sql: Sql,
    private readonly limits: Record<string, RateLimit>,
  ) {}

  /** Take a slot for one request of about `tokens` tokens; resolves when it may be sent. */
  async acquire(provider: string, tokens: number, signal?: AbortSignal): Promise<void> {
    const limit = this.limits[provider];
    for (;;) {
      const wait = await this.tryAcquire(provider, tokens, limit);
      if (wait === 0) return;
      // A little jitter so the workers waiting on one window do not all arrive in the same millisecond.
      await sleep(wait + Math.random() * 25, signal);
    }
  }

  /** 0 once a slot is taken; otherwise the milliseconds to wait before trying again. */
  private async tryAcquire(provider: string, tokens: number, limit: RateLimit | undefined): Promise<number> {
    const blocked = await this.sql<{ ms: number }[]>`
      select greatest(0, extract(epoch from until - clock_timestamp()) * 1000)::float8 as ms
      from loom_rate_blocks where provider = ${provider} and until > clock_timestamp()`;
    if (blocked[0]) return Math.max(1, Math.ceil(blocked[0].ms));
    if (!limit || (limit.requests === undefined && limit.tokens === undefined)) return 0;
    const window = limit.windowSeconds;
    const taken = await this.sql<{ requests: number }[]>`
      insert into loom_rate_usage as u (provider, window_start, requests, tokens)
      values (${provider}, to_timestamp(floor(extract(epoch from clock_timestamp()) / ${window}) * ${window}), 1, ${tokens})
      on conflict (provider, window_start) do update
        set requests = u.requests + 1, tokens = u.tokens + excluded.tokens
        where u.requests + 1 <= ${limit.requests ?? UNLIMITED} and u.tokens + excluded.tokens <= ${limit.tokens ?? UNLIMITED}
      returning u.requests`;
    if (taken.length > 0) return 0;
    const [left] = await this.sql<{ ms: number }[]>`
      select ((floor(extract(epoch from clock_timestamp()) / ${window}) + 1) * ${window}
        - extract(epoch from clock_timestamp())) * 1000 as ms`;
    return Math.max(1, Math.ceil(Number(left!.ms)));
  }

  /** Correct the window the request was counted in by what it really used (`delta` = used − estimated). */
  async settle(provider: string, delta: number): Promise<void> {
    const limit = this.limits[provider];
    if (!limit || delta === 0) return;
    const window = limit.windowSeconds;
    await this.sql`update loom_rate_usage set tokens = greatest(0, tokens + ${delta})
      where provider = ${provider}
        and window_start = to_timestamp(floor(extract(epoch from clock_timestamp()) / ${window}) * ${window})`;
  }

  /** After a 429: nobody sends to `provider` for `ms` (a longer block already in place stays). */
  async block(provider: string, ms: number): Promise<void> {
    await this.sql`insert into loom_rate_blocks (provider, until)
      values (${provider}, clock_timestamp() + ${ms} * interval '1 millisecond')
      on conflict (provider) do update set until = greatest(loom_rate_blocks.until, excluded.until)`;
  }

  /** Drop windows older than an hour (they only count). */
  async prune(): Promise<void> {
    await this.sql`delete from loom_rate_usage where window_start < clock_timestamp() - interval '1 hour'`;
  }
}
