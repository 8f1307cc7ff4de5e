import type { Clock } from '../clock.ts';
import type { EventReader } from '../store/event-reader.ts';

/** "Live" means an event in the last five minutes (the product's definition). */
export const liveWindowMs = 5 * 60_000;
/** Widgets poll every ~10 s, often from many tabs: each site's count is reused this long. */
export const liveCacheMs = 2_000;

interface Cached {
  readonly atMs: number;
  readonly count: Promise<number>;
}

/**
 * Counts distinct visitors with an event in the last five minutes, per site, from the event store.
 * One query per site per `liveCacheMs` at most, however many pollers; concurrent callers share the
 * query in flight. Memory is one entry per site that was polled.
 */
export class LiveCounter {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly events: EventReader,
    private readonly clock: Clock,
  ) {}

  count(siteId: string): Promise<number> {
    const nowMs = this.clock.now();
    const cached = this.cache.get(siteId);
    if (cached && nowMs - cached.atMs < liveCacheMs && nowMs >= cached.atMs) return cached.count;
    const count = this.query(siteId, nowMs);
    this.cache.set(siteId, { atMs: nowMs, count });
    count.catch(() => this.cache.delete(siteId)); // a failed read is not remembered
    return count;
  }

  private query(siteId: string, nowMs: number): Promise<number> {
    return this.events.liveVisitors(siteId, nowMs - liveWindowMs, nowMs);
  }
}
