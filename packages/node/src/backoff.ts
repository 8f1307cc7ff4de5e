export interface BackoffOptions {
  /** Delay cap of the first retry, in ms. */
  readonly baseMs: number;
  /** No delay exceeds this, in ms. */
  readonly maxMs: number;
}

export const defaultBackoff: BackoffOptions = Object.freeze({ baseMs: 200, maxMs: 30_000 });

/**
 * Delay before retry number `attempt` (1 = first retry): exponential growth capped at `maxMs`,
 * with "equal jitter" — half the step is fixed, half random. The fixed half guarantees spacing
 * between tries; the random half keeps many clients that failed together from retrying together.
 * Pure: the random source is a parameter.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = defaultBackoff,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const step = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (step / 2) * jitter);
}
