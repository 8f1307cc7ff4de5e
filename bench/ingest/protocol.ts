/** Messages between the bench driver (`run.ts`) and its load-generator child (`load-generator.ts`). */

export interface LoadPlan {
  readonly host: string;
  readonly port: number;
  /** Request path, e.g. `/e/ZV_…` for the real server or `/e/bare` for the bare one. */
  readonly path: string;
  /** Concurrent keep-alive connections, each with one request in flight. */
  readonly connections: number;
  /** Traffic before measuring starts (JIT warm-up, caches); not counted. */
  readonly warmupMs: number;
  /** The measured window. */
  readonly durationMs: number;
  /**
   * Requests sent on one connection before it is closed and reopened from the next source address.
   * Kept under the server's per-IP burst limit (60 per 10 s) so the limiter never caps the run.
   */
  readonly requestsPerAddress: number;
  /** Index of the first source address in 127.0.0.0/8 (see `sourceAddress`); targets use disjoint ranges. */
  readonly firstAddress: number;
  /**
   * Open loop: send this many requests per second in total, each connection on its own fixed
   * schedule, and time each request from when it was due (so a slow answer that delays the next
   * send counts against the latency, not hides it). Absent: closed loop, each connection sends its
   * next request as soon as the answer arrives (the most the target can take).
   */
  readonly ratePerSecond?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly durationMs: number;
  /** Responses by HTTP status, counted in the measured window only. */
  readonly statuses: Record<string, number>;
  /** Latency percentiles in milliseconds over the measured window. */
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Every 2xx the target sent, warm-up included: what the store must hold afterwards. */
  readonly accepted2xxTotal: number;
  readonly socketErrors: number;
  /** CPU the load generator itself used in the measured window (ms). */
  readonly generatorCpuMs: number;
  readonly addressesUsed: number;
}

/**
 * The n-th loopback source address, skipping .0 and .255 in the last octet. Linux routes all of
 * 127.0.0.0/8 to `lo`, so a socket can bind any of them with `localAddress` and no set-up.
 */
export function sourceAddress(n: number): string {
  const slot = n % (254 * 256 * 250);
  const last = (slot % 254) + 1;
  const third = Math.floor(slot / 254) % 256;
  const second = Math.floor(slot / (254 * 256)) + 1;
  return `127.${second}.${third}.${last}`;
}
