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
  /** `salt` once it has resolved, for `ready`. */
  private loaded: string | null = null;

  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
  ) {}

  /**
   * The current day's salt when it is loaded already, else null (then use `current`). Nearly every
   * event takes this way: no promise and no microtask hop per event.
   */
  ready(): string | null {
    const now = this.clock.now();
    return this.loaded !== null && now >= this.dayStartMs && now < this.dayEndMs ? this.loaded : null;
  }

  current(): Promise<string> {
    const now = this.clock.now();
    if (this.salt !== null && now >= this.dayStartMs && now < this.dayEndMs) return this.salt;
    const today = utcDay(now);
    this.dayStartMs = Math.floor(now / dayMs) * dayMs;
    this.dayEndMs = this.dayStartMs + dayMs;
    if (today !== this.day || this.salt === null) {
      this.day = today;
      this.loaded = null;
      const loading = this.store.saltForDay(today, () => randomBytes(32).toString('base64url'));
      this.salt = loading;
      loading.then(
        (salt) => {
          if (this.salt === loading) this.loaded = salt;
        },
        // A failed load must not be cached: the next event tries again.
        () => {
          if (this.salt === loading) this.salt = null;
        },
      );
    }
    return this.salt;
  }
}
