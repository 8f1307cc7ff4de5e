import type { Logger } from '../log.ts';

/**
 * The REST API's per-key quota per calendar month (UTC), on top of the per-minute limit. Two
 * implementations: `StoredMonthlyQuota` (below; counts in memory, added to the metadata store)
 * and `RedisMonthlyQuota` (limits/redis-monthly-quota.ts; one counter per key and month in Redis,
 * shared by every node). `scale/stores.ts` picks one.
 */

/** The outcome of spending one request of a key's monthly quota. */
export interface MonthlyDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests counted this month, this one included when allowed. */
  readonly used: number;
  readonly remaining: number;
  /** Milliseconds until the next calendar month (UTC) begins, when the count starts again. */
  readonly resetMs: number;
}

export interface MonthlyQuota {
  readonly limit: number;
  /** Spends one request of the key's quota for the month of `nowMs`; a refusal spends nothing. */
  consume(keyPrefix: string, nowMs: number): Promise<MonthlyDecision>;
  /** Saves what is held only in memory; called once at shutdown, after the last request. */
  close(): Promise<void>;
}

/** `YYYY-MM` of a timestamp, in UTC. */
export function utcMonth(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** The first millisecond of the calendar month (UTC) after the one holding `ms`. */
export function nextUtcMonthStart(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

export function monthlyDecision(
  limit: number,
  used: number,
  allowed: boolean,
  nowMs: number,
): MonthlyDecision {
  return {
    allowed,
    limit,
    used,
    remaining: Math.max(0, limit - used),
    resetMs: nextUtcMonthStart(nowMs) - nowMs,
  };
}

/** The part of the metadata store this quota writes to (`api_key_requests`). */
export interface MonthlyCounterStore {
  addApiKeyRequests(counts: ReadonlyArray<{ prefix: string; month: string; count: number }>): Promise<void>;
  apiKeyRequests(month: string): Promise<Array<{ prefix: string; month: string; count: number }>>;
}

const idOf = (month: string, prefix: string) => `${month}\u0000${prefix}`;

/**
 * Counts in memory on the request path and adds the counts to the metadata store (DuckDB when
 * embedded, PostgreSQL in scale-out without Redis) every few seconds and at shutdown; a month's
 * totals are read from the store on its first request, so counts survive a restart. A crash (no
 * clean shutdown) loses the counts of the last flush interval at most: the quota is a fair-use
 * bound, not billing, and a few seconds of requests are not worth a write per request.
 *
 * Flushes add rather than set, and read the totals back, so nodes sharing one PostgreSQL database
 * converge within a flush interval (each may overshoot by what the others counted meanwhile).
 */
export class StoredMonthlyQuota implements MonthlyQuota {
  /** Totals per month as last read from (or added to) the store, by key prefix. */
  private readonly stored = new Map<string, Map<string, number>>();
  /** Each month's first read from the store; never rejects. */
  private readonly loads = new Map<string, Promise<void>>();
  /** Counted here and not yet handed to the store, by `month\0prefix`. */
  private pending = new Map<string, number>();
  /** Handed to the store by the flush in progress. */
  private inFlight = new Map<string, number>();
  private latestMonth = '';
  private flushChain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly store: MonthlyCounterStore,
    readonly limit: number,
    private readonly log: Logger,
  ) {}

  /** Loads the current month's counts, then flushes every `flushIntervalMs`. */
  static async open(options: {
    store: MonthlyCounterStore;
    limit: number;
    log: Logger;
    nowMs: number;
    flushIntervalMs: number;
  }): Promise<StoredMonthlyQuota> {
    const quota = new StoredMonthlyQuota(options.store, options.limit, options.log);
    await quota.load(utcMonth(options.nowMs));
    quota.timer = setInterval(() => {
      quota
        .flush()
        .catch((error: unknown) =>
          options.log.warn('API monthly quota flush failed', { error: String(error) }),
        );
    }, options.flushIntervalMs);
    quota.timer.unref();
    return quota;
  }

  async consume(keyPrefix: string, nowMs: number): Promise<MonthlyDecision> {
    const month = utcMonth(nowMs);
    if (month > this.latestMonth) this.latestMonth = month;
    await this.load(month);
    // From here to the increment nothing awaits, so concurrent requests cannot both take the last unit.
    const id = idOf(month, keyPrefix);
    const used =
      (this.stored.get(month)?.get(keyPrefix) ?? 0) +
      (this.inFlight.get(id) ?? 0) +
      (this.pending.get(id) ?? 0);
    const allowed = used < this.limit;
    if (allowed) this.pending.set(id, (this.pending.get(id) ?? 0) + 1);
    return monthlyDecision(this.limit, allowed ? used + 1 : used, allowed, nowMs);
  }

  /** Adds the pending counts to the store; one flush at a time. */
  flush(): Promise<void> {
    const run = this.flushChain.then(() => this.flushOnce());
    this.flushChain = run.catch(() => undefined); // one failed flush must not stop the later ones
    return run;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private load(month: string): Promise<void> {
    let loading = this.loads.get(month);
    if (!loading) {
      loading = this.store.apiKeyRequests(month).then(
        (rows) => this.setStored(month, rows),
        (error: unknown) => {
          // Fail open: count from zero on top of what the store holds; the next flush reads the
          // month's totals back. Refusing every request because the metadata store blinked would
          // turn a database hiccup into an API outage.
          this.log.warn('API monthly quota: could not read this month’s counts', {
            error: error instanceof Error ? error.message : String(error),
          });
        },
      );
      this.loads.set(month, loading);
    }
    return loading;
  }

  private async flushOnce(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.inFlight = batch;
    const counts = [...batch].map(([id, count]) => {
      const [month, prefix] = id.split('\u0000') as [string, string];
      return { prefix, month, count };
    });
    try {
      await this.store.addApiKeyRequests(counts);
    } catch (error) {
      this.log.warn('API monthly quota counts could not be saved; keeping them for the next flush', {
        error: error instanceof Error ? error.message : String(error),
      });
      for (const [id, count] of batch) this.pending.set(id, (this.pending.get(id) ?? 0) + count);
      this.inFlight = new Map();
      return;
    }
    for (const { prefix, month, count } of counts) {
      const totals = this.stored.get(month) ?? new Map<string, number>();
      totals.set(prefix, (totals.get(prefix) ?? 0) + count);
      this.stored.set(month, totals);
    }
    this.inFlight = new Map();
    // Read the totals back: they include what other nodes sharing the store added.
    for (const month of new Set(counts.map((item) => item.month))) {
      try {
        this.setStored(month, await this.store.apiKeyRequests(month));
      } catch {
        // Keep the totals added above; the next flush reads them again.
      }
    }
    this.forgetPastMonths();
  }

  private setStored(month: string, rows: ReadonlyArray<{ prefix: string; count: number }>): void {
    this.stored.set(month, new Map(rows.map((row) => [row.prefix, row.count])));
  }

  /** Memory stays bounded by one month of keys: earlier months are neither counted nor asked again. */
  private forgetPastMonths(): void {
    for (const month of this.stored.keys()) {
      if (month < this.latestMonth) {
        this.stored.delete(month);
        this.loads.delete(month);
      }
    }
  }
}
