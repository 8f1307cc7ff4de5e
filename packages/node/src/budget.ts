/** A request budget rule: at most `limit` requests in any `windowMs`. */
export interface RateRule {
  readonly limit: number;
  readonly windowMs: number;
}

/** The public ingest endpoint's per-IP limits (spec: 60 per 10 s, 5,000 per hour). */
export const publicIngestLimits: readonly RateRule[] = Object.freeze([
  { limit: 60, windowMs: 10_000 },
  { limit: 5_000, windowMs: 3_600_000 },
]);

/**
 * Client-side request budget: a request may start only if, counting it, no trailing window of any
 * rule holds more than `limit` requests. A request counts from when it starts (`reserve`) and is
 * dated by when its answer came (`release`). The server counts a request when it arrives, which is
 * somewhere between the two, so however long requests take, the server never sees more than the
 * limit in one of its windows: a busy backend queues instead of burning requests on 429s.
 */
export class RequestBudget {
  /** Finish times of recent requests, ascending, from `head` on. */
  private finished: number[] = [];
  private head = 0;
  private running = 0;
  private readonly longestWindowMs: number;

  constructor(private readonly rules: readonly RateRule[]) {
    this.longestWindowMs = Math.max(0, ...rules.map((rule) => rule.windowMs));
  }

  /**
   * Milliseconds until one more request may start: 0 now, `Infinity` when only a running request
   * finishing can free budget (the caller tries again then).
   */
  waitMs(nowMs: number): number {
    this.prune(nowMs);
    let wait = 0;
    for (const rule of this.rules) {
      const firstInWindow = this.firstAfter(nowMs - rule.windowMs);
      const finishedInWindow = this.finished.length - firstInWindow;
      const excess = finishedInWindow + this.running + 1 - rule.limit;
      if (excess <= 0) continue;
      if (excess > finishedInWindow) return Number.POSITIVE_INFINITY;
      // The `excess` oldest requests in the window must leave it first.
      const leaves = this.finished[firstInWindow + excess - 1]! + rule.windowMs;
      wait = Math.max(wait, leaves - nowMs);
    }
    return Math.max(0, Math.ceil(wait));
  }

  /** A request starts now. */
  reserve(): void {
    this.running++;
  }

  /** A request that `reserve`d has its answer (or failed) at `nowMs`. */
  release(nowMs: number): void {
    this.running = Math.max(0, this.running - 1);
    let i = this.finished.length;
    while (i > this.head && this.finished[i - 1]! > nowMs) i--;
    this.finished.splice(i, 0, nowMs);
  }

  /** Index of the first finish time later than `t`. */
  private firstAfter(t: number): number {
    let low = this.head;
    let high = this.finished.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.finished[mid]! > t) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** Forgets requests older than every window; compacts the array now and then. */
  private prune(nowMs: number): void {
    this.head = Math.max(this.head, this.firstAfter(nowMs - this.longestWindowMs));
    if (this.head > 1_024 && this.head * 2 > this.finished.length) {
      this.finished = this.finished.slice(this.head);
      this.head = 0;
    }
  }
}
