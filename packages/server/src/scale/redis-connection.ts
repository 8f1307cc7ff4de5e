import { Redis } from 'ioredis';

/**
 * A Redis connection for shared limits and windows. Commands fail fast while Redis is unreachable
 * (no offline queue, short timeout) so callers can apply their own fallback instead of stalling
 * requests; the client keeps reconnecting in the background.
 */
export async function connectRedis(url: string, options: { timeoutMs?: number } = {}): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 2_000,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  // Errors surface through the failing command; the connection-level event only needs a listener so
  // an outage does not crash the process.
  redis.on('error', () => undefined);
  const timeoutMs = options.timeoutMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    redis.disconnect();
    throw new Error(`cannot connect to REDIS_URL: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
  return redis;
}
