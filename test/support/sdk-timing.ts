import type { Timing } from '../../packages/node/src/index.ts';
import type { ManualClock } from '../../packages/server/src/clock.ts';

/**
 * SDK time that runs `speed` times faster than the wall clock: backoffs, Retry-After pauses and
 * budgets keep their proportions while a test waits a fraction of them.
 */
export function fastTiming(speed: number): Timing & { requested: number[] } {
  const start = Date.now();
  const requested: number[] = [];
  return {
    requested,
    now: () => start + (Date.now() - start) * speed,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        requested.push(ms);
        if (signal.aborted) return resolve();
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms / speed);
        signal.addEventListener('abort', done, { once: true });
      }),
  };
}

/** SDK time that is the server's manual clock: a sleep moves the clock instead of waiting. */
export function manualTiming(clock: ManualClock): Timing & { requested: number[] } {
  const requested: number[] = [];
  return {
    requested,
    now: () => clock.now(),
    sleep: async (ms) => {
      requested.push(ms);
      clock.advance(ms);
    },
  };
}
