/**
 * Remembers `(site, event_id)` pairs for a fixed window. Insertion order is time order, so expiry
 * only ever looks at the front of the map.
 */
export class DedupeWindow {
  private readonly seenAt = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  static key(siteId: string, eventId: string): string {
    return `${siteId}\u0000${eventId}`;
  }

  has(key: string): boolean {
    return this.seenAt.has(key);
  }

  add(key: string, atMs: number): void {
    this.seenAt.set(key, atMs);
  }

  expire(nowMs: number): void {
    const cutoff = nowMs - this.windowMs;
    for (const [key, atMs] of this.seenAt) {
      if (atMs >= cutoff) break;
      this.seenAt.delete(key);
    }
  }

  get size(): number {
    return this.seenAt.size;
  }
}
