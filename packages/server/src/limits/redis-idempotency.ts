import type { Redis } from 'ioredis';

/**
 * The `event_id` window shared by all nodes: the first node to claim `(site, event_id)` stores the
 * event, every later claim within the window is a duplicate, whichever node it reaches. A claim is
 * `SET key 1 NX PX window`, atomic in Redis; a claim whose event then fails to commit is released
 * so the sender's retry is stored.
 *
 * When Redis is unreachable `claim` answers 'unknown' and the caller falls back to its own per-node
 * window: a retry that reaches another node during the outage may then be stored twice by the
 * writer, and the ClickHouse table (ReplacingMergeTree on the event key) still folds exact replays.
 */
export class RedisIdempotencyWindow {
  constructor(
    private readonly redis: Redis,
    private readonly windowMs: number,
  ) {}

  private static key(siteId: string, eventId: string): string {
    return `zenovay:idem:${siteId}:${eventId}`;
  }

  /** One answer per pair, in order: 'new' (claimed now), 'duplicate', or 'unknown' (Redis down). */
  async claim(pairs: ReadonlyArray<{ siteId: string; eventId: string }>): Promise<Array<ClaimResult>> {
    if (pairs.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const pair of pairs) {
      pipeline.set(RedisIdempotencyWindow.key(pair.siteId, pair.eventId), '1', 'PX', this.windowMs, 'NX');
    }
    try {
      const replies = (await pipeline.exec()) ?? [];
      return pairs.map((_, i) => {
        const [error, value] = replies[i] ?? [new Error('no reply'), null];
        if (error) return 'unknown';
        return value === 'OK' ? 'new' : 'duplicate';
      });
    } catch {
      return pairs.map(() => 'unknown');
    }
  }

  /** Forgets claims whose events were not stored; best effort (a lost release expires with the window). */
  async release(pairs: ReadonlyArray<{ siteId: string; eventId: string }>): Promise<void> {
    if (pairs.length === 0) return;
    await this.redis
      .del(...pairs.map((pair) => RedisIdempotencyWindow.key(pair.siteId, pair.eventId)))
      .catch(() => undefined);
  }
}

export type ClaimResult = 'new' | 'duplicate' | 'unknown';
