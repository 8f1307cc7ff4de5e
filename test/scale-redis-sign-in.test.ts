import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RedisSignInAttempts } from '../packages/server/src/limits/redis-sign-in-attempts.ts';
import type { SignInAttempts } from '../packages/server/src/limits/sign-in-attempts.ts';
import { redisPair } from './support/redis-pair.ts';
import { missingService } from './support/services.ts';
import { attempt, limits, scenarios, t0 } from './support/sign-in-scenarios.ts';

/** Two nodes behind one load balancer: consecutive calls land on alternate nodes. */
function alternating(a: SignInAttempts, b: SignInAttempts): SignInAttempts {
  let turn = 0;
  const next = () => (turn++ % 2 === 0 ? a : b);
  return {
    begin: (keys, nowMs) => next().begin(keys, nowMs),
    succeeded: (keys, nowMs) => next().succeeded(keys, nowMs),
  };
}

describe('sign-in limits in Redis', { skip: missingService('redis') }, () => {
  const redis = redisPair();

  for (const scenario of scenarios) {
    test(`two nodes sharing Redis: ${scenario.name}`, async () => {
      await redis.a.flushdb();
      await scenario.run(
        alternating(new RedisSignInAttempts(redis.a, limits), new RedisSignInAttempts(redis.b, limits)),
      );
    });
  }

  test('the counters expire in Redis a minute after their window', async () => {
    await redis.a.flushdb();
    const store = new RedisSignInAttempts(redis.a, limits);
    assert.equal(await attempt(store, 'owner@example.com', '192.0.2.1', t0, false), 'wrong-password');
    const keys = (await redis.a.keys('zenovay:login:*')).sort();
    assert.deepEqual(keys, [
      'zenovay:login:address:192.0.2.1',
      'zenovay:login:email:owner@example.com',
      'zenovay:login:pair:192.0.2.1 owner@example.com',
    ]);
    for (const key of keys) {
      const ttl = await redis.a.pttl(key);
      assert.ok(ttl > 900_000 && ttl <= 960_000, `${key}: ${ttl}`);
    }
  });

  test('Redis down: sign-in limits fall back to per-node memory', async () => {
    const store = new RedisSignInAttempts(redis.a, { ...limits, perPair: 2 });
    await redis.service.stop();
    try {
      assert.equal(await attempt(store, 'owner@example.com', '192.0.2.1', t0, false), 'wrong-password');
      assert.equal(await attempt(store, 'owner@example.com', '192.0.2.1', t0, false), 'wrong-password');
      assert.equal(await attempt(store, 'owner@example.com', '192.0.2.1', t0 + 1_000, true), 'refused 899s');
      assert.equal(await attempt(store, 'owner@example.com', '192.0.2.2', t0 + 1_000, true), 'signed-in');
    } finally {
      await redis.service.restart();
    }
    for (let i = 0; i < 100 && redis.a.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(redis.a.status, 'ready');
    // Counted in Redis again (it restarted empty), so the address is clean there.
    assert.equal(await attempt(store, 'owner@example.com', '192.0.2.1', t0 + 2_000, true), 'signed-in');
  });
});
