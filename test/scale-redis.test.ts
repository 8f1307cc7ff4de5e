import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryRateLimiter } from '../packages/server/src/limits/rate-limiter.ts';
import { RedisIdempotencyWindow } from '../packages/server/src/limits/redis-idempotency.ts';
import { RedisRateLimiter } from '../packages/server/src/limits/redis-rate-limiter.ts';
import { redisPair } from './support/redis-pair.ts';
import { missingService } from './support/services.ts';

const rules = [
  { limit: 60, windowMs: 10_000 },
  { limit: 100, windowMs: 3_600_000 },
];
const t0 = Date.parse('2026-03-10T12:00:00Z');

describe('Redis-backed limits and idempotency', { skip: missingService('redis') }, () => {
  const redis = redisPair();

  test('two nodes share one budget: 60 per 10 s is 60 in total', async () => {
    const a = new RedisRateLimiter(redis.a, rules, 'ingest');
    const b = new RedisRateLimiter(redis.b, rules, 'ingest');
    let allowed = 0;
    for (let i = 0; i < 80; i++) {
      const decision = await (i % 2 === 0 ? a : b).consume('ip-1', t0 + i);
      if (decision.allowed) allowed++;
    }
    assert.equal(allowed, 60);
    const refused = await a.consume('ip-1', t0 + 100);
    assert.equal(refused.allowed, false);
    assert.equal(refused.retryAfterMs, 10_000 - 100);
    // Another key and another namespace have their own budgets.
    assert.equal((await b.consume('ip-2', t0 + 100)).allowed, true);
    assert.equal((await new RedisRateLimiter(redis.b, rules, 'api').consume('ip-1', t0 + 100)).allowed, true);
  });

  test('decisions match the in-memory limiter step for step, with the clock moved by the caller', async () => {
    const shared = new RedisRateLimiter(redis.a, rules, 'compare');
    const memory = new MemoryRateLimiter(rules);
    const steps = [0, 1, 2, 500, 9_999, 10_000, 10_001, 25_000, 25_001, 3_600_000, 3_700_000];
    let now = t0;
    for (let round = 0; round < steps.length; round++) {
      now = t0 + steps[round]!;
      for (let i = 0; i < 15; i++) {
        assert.deepEqual(
          await shared.consume('k', now),
          memory.consume('k', now),
          `at +${steps[round]} ms, #${i}`,
        );
      }
    }
  });

  test('the idempotency window is shared and a released claim can be claimed again', async () => {
    const a = new RedisIdempotencyWindow(redis.a, 60_000);
    const b = new RedisIdempotencyWindow(redis.b, 60_000);
    const pair = { siteId: 's1', eventId: 'evt-1' };
    assert.deepEqual(await a.claim([pair, { siteId: 's2', eventId: 'evt-1' }]), ['new', 'new']);
    assert.deepEqual(await b.claim([pair]), ['duplicate']);
    await a.release([pair]);
    assert.deepEqual(await b.claim([pair]), ['new']);
  });

  test('Redis down: limits fall back to per-node memory, and shared again after a restart', async () => {
    const limiter = new RedisRateLimiter(redis.a, [{ limit: 3, windowMs: 10_000 }], 'outage');
    const window = new RedisIdempotencyWindow(redis.a, 60_000);
    await redis.service.stop();
    const during = [];
    for (let i = 0; i < 5; i++) during.push((await limiter.consume('ip', t0 + i)).allowed);
    assert.deepEqual(during, [true, true, true, false, false], 'the fallback still limits this node');
    assert.deepEqual(await window.claim([{ siteId: 's', eventId: 'x' }]), ['unknown']);
    await redis.service.restart();
    // Wait for the client's reconnect (bounded): the service restarted with empty state.
    for (let i = 0; i < 100 && redis.a.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(redis.a.status, 'ready');
    assert.equal((await limiter.consume('ip', t0 + 10)).remaining, 2, 'counted in Redis again');
  });
});
