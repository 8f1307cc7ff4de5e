/**
 * Answers of shared views kept for a few seconds: a dashboard opened by many people at once asks
 * the same questions, and only the first asker's reach the stats engine. The link itself is
 * checked on every request before the cache is read, so a revoked link stops at once.
 */
export class AnswerCache {
  private readonly entries = new Map<string, { expiresAtMs: number; value: Promise<unknown> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /**
   * The cached answer for `key`, or `compute()`'s, stored for `ttlMs`. Concurrent askers of the
   * same key share one computation; a failed one is not kept.
   */
  get<T>(key: string, nowMs: number, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAtMs > nowMs) return hit.value as Promise<T>;
    if (hit) this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.evict(nowMs);
    const value = compute();
    this.entries.set(key, { expiresAtMs: nowMs + this.ttlMs, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops expired entries, then the oldest ones, so the cache stays within its bound. */
  private evict(nowMs: number): void {
    for (const [key, entry] of this.entries) if (entry.expiresAtMs <= nowMs) this.entries.delete(key);
    for (const key of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
