import { type Clock, utcDay } from '../clock.ts';
import type { ErrorCode } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { MetadataStore, RefusalCount } from '../store/types.ts';

/**
 * Counts refused events per site, UTC day and reason, so "why are my events not appearing" has an
 * answer. Counting is in memory on the hot path; the totals are added to the store every few
 * seconds and at shutdown. A crash can lose the last few seconds of counts, never an event.
 */
export class RefusalCounter {
  private pending = new Map<string, RefusalCount>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** `siteId` is '' when the request named no known site. */
  count(siteId: string, reason: ErrorCode): void {
    const day = utcDay(this.clock.now());
    const key = `${siteId}\u0000${day}\u0000${reason}`;
    const current = this.pending.get(key);
    if (current) this.pending.set(key, { ...current, count: current.count + 1 });
    else this.pending.set(key, { siteId, day, reason, count: 1 });
  }

  startFlushing(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.store.addRefusals(batch);
    } catch (error) {
      this.log.warn('refusal counts could not be saved; keeping them for the next flush', {
        error: error instanceof Error ? error.message : String(error),
      });
      for (const item of batch) {
        const key = `${item.siteId}\u0000${item.day}\u0000${item.reason}`;
        const current = this.pending.get(key);
        this.pending.set(key, current ? { ...current, count: current.count + item.count } : item);
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
