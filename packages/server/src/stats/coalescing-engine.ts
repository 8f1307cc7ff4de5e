/**
 * The dashboard asks each panel's question in a request of its own, so a page arrives as a dozen
 * concurrent `query` calls for one site. Answered one by one, each would scan the site's events
 * and rebuild its visits; gathered, one `queryBatch` statement does that once (on the 10M bench
 * dataset a typical site's page costs ~1/4 of the CPU of twelve separate queries).
 *
 * Gathering works like the event writer's group commit: questions about a site that arrive while
 * a batch for it runs (or in the same event-loop turn as the first) form the next batch. A lone
 * question waits for nothing but that turn. Answers are exactly those of `query`: the batch
 * compiles every question as it would alone (see the queryMany test), with its own "now".
 */
import type { Site } from '../store/types.ts';
import type { SqlStatsEngine } from './engine.ts';
import type { StatsEngine } from './stats-engine.ts';
import type { StatsQuery, StatsResponse } from './types.ts';

interface Waiting {
  readonly query: StatsQuery;
  readonly nowMs: number;
  readonly resolve: (response: StatsResponse) => void;
  readonly reject: (error: unknown) => void;
}

interface SiteQueue {
  readonly site: Site;
  readonly waiting: Waiting[];
}

/** Bounds one statement's size; more questions wait for the next batch. */
const maxBatch = 32;

export class CoalescingStatsEngine implements StatsEngine {
  /** Sites with a batch gathering or running, by id and time zone (both decide the answers). */
  private readonly queues = new Map<string, SiteQueue>();

  constructor(private readonly inner: Pick<SqlStatsEngine, 'query' | 'queryMany' | 'queryBatch'>) {}

  query(query: StatsQuery, site: Site, nowMs: number): Promise<StatsResponse> {
    const key = `${site.id}\u0000${site.timezone}`;
    let queue = this.queues.get(key);
    const idle = !queue;
    if (!queue) {
      queue = { site, waiting: [] };
      this.queues.set(key, queue);
    }
    const promise = new Promise<StatsResponse>((resolve, reject) => {
      queue.waiting.push({ query, nowMs, resolve, reject });
    });
    if (idle) setImmediate(() => void this.drain(key, queue));
    return promise;
  }

  queryMany(queries: readonly StatsQuery[], site: Site, nowMs: number): Promise<StatsResponse[]> {
    return this.inner.queryMany(queries, site, nowMs);
  }

  private async drain(key: string, queue: SiteQueue): Promise<void> {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, maxBatch);
      await this.answer(queue.site, batch);
    }
    this.queues.delete(key);
  }

  private async answer(site: Site, batch: readonly Waiting[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const responses = await this.inner.queryBatch(batch, site);
        batch.forEach((item, i) => {
          const response = responses[i];
          if (response) item.resolve(response);
          else item.reject(new Error('the batch returned no answer for a query'));
        });
        return;
      } catch {
        // One invalid question fails the whole batch: answer each alone, so that each caller gets
        // its own answer or its own error (named without the batch's `[i].` prefix).
      }
    }
    await Promise.all(
      batch.map((item) => this.inner.query(item.query, site, item.nowMs).then(item.resolve, item.reject)),
    );
  }
}
