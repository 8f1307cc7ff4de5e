import type { RateRule } from '../config.ts';

/** The outcome of spending one unit against every rule for a key. */
export interface RateDecision {
  readonly allowed: boolean;
  /** The limit of the rule closest to refusing (what X-RateLimit-Limit reports). */
  readonly limit: number;
  readonly remaining: number;
  /** Milliseconds until that rule's window resets. */
  readonly resetMs: number;
  /** When refused: how long until a request would be allowed again. */
  readonly retryAfterMs: number;
}

/** Counts requests per key; the in-memory one serves one process, a Redis one serves many. */
export interface RateLimiter {
  consume(key: string, nowMs: number): RateDecision | Promise<RateDecision>;
}

interface Window {
  startMs: number;
  count: number;
}

/**
 * Fixed windows that start at a key's first request, one per rule: "60 per 10 s" means the 61st
 * request within 10 s of the first is refused. A refused request spends nothing, so a client that
 * keeps hammering is not locked out longer than the window. Idle keys are swept so memory stays
 * bounded by the number of recently active clients.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Window[]>();
  private readonly longestWindowMs: number;
  private lastSweepMs = 0;

  constructor(private readonly rules: readonly RateRule[]) {
    if (rules.length === 0) throw new Error('a rate limiter needs at least one rule');
    this.longestWindowMs = Math.max(...rules.map((rule) => rule.windowMs));
  }

  consume(key: string, nowMs: number): RateDecision {
    this.sweep(nowMs);
    let windows = this.windows.get(key);
    if (!windows) {
      windows = this.rules.map(() => ({ startMs: nowMs, count: 0 }));
      this.windows.set(key, windows);
    }
    let refusedRetryMs = 0;
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      const window = windows[i]!;
      if (nowMs - window.startMs >= rule.windowMs) {
        window.startMs = nowMs;
        window.count = 0;
      }
      if (window.count >= rule.limit) {
        refusedRetryMs = Math.max(refusedRetryMs, window.startMs + rule.windowMs - nowMs);
      }
    }
    const allowed = refusedRetryMs === 0;
    if (allowed) for (const window of windows) window.count++;
    return this.describe(windows, nowMs, allowed, refusedRetryMs);
  }

  private describe(windows: Window[], nowMs: number, allowed: boolean, retryAfterMs: number): RateDecision {
    let tightest = 0;
    let tightestRemaining = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.rules.length; i++) {
      const remaining = Math.max(0, this.rules[i]!.limit - windows[i]!.count);
      if (remaining < tightestRemaining) {
        tightestRemaining = remaining;
        tightest = i;
      }
    }
    const rule = this.rules[tightest]!;
    return {
      allowed,
      limit: rule.limit,
      remaining: tightestRemaining,
      resetMs: windows[tightest]!.startMs + rule.windowMs - nowMs,
      retryAfterMs,
    };
  }

  /** At most once a minute, drop keys whose every window has ended. */
  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < 60_000) return;
    this.lastSweepMs = nowMs;
    for (const [key, windows] of this.windows) {
      if (windows.every((window) => nowMs - window.startMs >= this.longestWindowMs)) this.windows.delete(key);
    }
  }

  /** How many keys are tracked; for tests of the memory bound. */
  get size(): number {
    return this.windows.size;
  }
}
