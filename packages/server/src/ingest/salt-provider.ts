import { randomBytes } from 'node:crypto';
import { type Clock, utcDay } from '../clock.ts';
import type { MetadataStore } from '../store/types.ts';

const dayMs = 86_400_000;

/**
 * Hands out the current UTC day's salt. The salt is committed to the store before its first use,
 * so a restart in the same day keeps visitor ids stable; rotation destroys every other day's salt.
 */
export class SaltProvider {
  private day = '';
  /** [start, end) of `day` in ms, so the hot path compares numbers instead of formatting a date. */
  private dayStartMs = 0;
  private dayEndMs = 0;
  private salt: Promise<string> | null = null;

  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
  ) {}

  current(): Promise<string> {
    const now = this.clock.now();
    if (this.salt !== null && now >= this.dayStartMs && now < this.dayEndMs) return this.salt;
    const today = utcDay(now);
    this.dayStartMs = Math.floor(now / dayMs) * dayMs;
    this.dayEndMs = this.dayStartMs + dayMs;
    if (today !== this.day || this.salt === null) {
      this.day = today;
      const loading = this.store.saltForDay(today, () => randomBytes(32).toString('base64url'));
      this.salt = loading;
      // A failed load must not be cached: the next event tries again.
      loading.catch(() => {
        if (this.salt === loading) this.salt = null;
      });
    }
    return this.salt;
  }
}
