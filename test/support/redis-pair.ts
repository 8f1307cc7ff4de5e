import { after, before } from 'node:test';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../packages/server/src/scale/redis-connection.ts';
import { type RunningService, startService } from './services.ts';

export interface RedisPair {
  /** The throwaway Redis server (stop/restart it to test outages). */
  readonly service: RunningService;
  /** Two connections to it, as two nodes of a cluster hold. */
  readonly a: Redis;
  readonly b: Redis;
}

/**
 * Call inside a `describe`: starts a throwaway Redis and opens two connections before its tests,
 * and tears them down after. The fields are filled once `before` has run.
 */
export function redisPair(): RedisPair {
  const pair = {} as { service: RunningService; a: Redis; b: Redis };
  before(async () => {
    pair.service = await startService('redis');
    pair.a = await connectRedis(pair.service.url);
    pair.b = await connectRedis(pair.service.url);
  });
  after(async () => {
    pair.a?.disconnect();
    pair.b?.disconnect();
    await pair.service?.destroy();
  });
  return pair;
}
