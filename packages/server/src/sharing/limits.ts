import type { RateRule } from '../config.ts';
import type { SignInLimits } from '../limits/sign-in-attempts.ts';

/**
 * Requests per minute one shared view (a link, or a public site) may make across all its readers.
 * Opening the dashboard asks about 15 questions and the live count asks every 10 s, so this serves
 * dozens of readers at once; beyond it a popular public dashboard is refused (429) rather than
 * starving the server, and the answer cache means most of these never reach the stats engine.
 */
export const shareViewLimits: readonly RateRule[] = [{ limit: 600, windowMs: 60_000 }];

/** Wrong passwords of a link, counted as the sign-in counts them (per address and link, per address, per link). */
export const sharePasswordLimits: SignInLimits = {
  perPair: 10,
  perAddress: 30,
  perEmail: 50,
  windowMs: 15 * 60_000,
};

/** How long a shared view's answers are kept, and how many at most. */
export const shareCacheTtlMs = 10_000;
export const shareCacheMaxEntries = 2_000;
