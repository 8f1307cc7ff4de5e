import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { ManualClock } from '../packages/server/src/clock.ts';
import { RedisMonthlyQuota } from '../packages/server/src/limits/redis-monthly-quota.ts';
import { apiGet, assertApiError, assertApiOk, createKey } from './api-helpers.ts';
import { redisPair } from './support/redis-pair.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const march = Date.parse('2026-03-31T23:00:00Z');
const april = Date.parse('2026-04-01T00:00:00Z');

describe('API monthly quota in Redis', { skip: missingService('redis') }, () => {
  const redis = redisPair();

  test('two nodes spend one budget per key and month; refusals are not counted; the next month is fresh', async () => {
    const a = new RedisMonthlyQuota(redis.a, 5);
    const b = new RedisMonthlyQuota(redis.b, 5);
    const decisions = [];
    for (let i = 0; i < 8; i++) decisions.push(await (i % 2 === 0 ? a : b).consume('zv_shared01', march + i));
    assert.deepEqual(
      decisions.map((d) => d.allowed),
      [true, true, true, true, true, false, false, false],
    );
    assert.deepEqual(
      decisions.map((d) => d.remaining),
      [4, 3, 2, 1, 0, 0, 0, 0],
    );
    assert.equal(decisions[7]!.resetMs, april - (march + 7));
    assert.equal(await redis.a.get('zenovay:quota:api:zv_shared01:2026-03'), '5', 'refusals add nothing');
    // Kept a day past the month's end (by the caller's clock), then reclaimed.
    const ttl = await redis.a.pttl('zenovay:quota:api:zv_shared01:2026-03');
    assert.ok(ttl > april - march + 86_400_000 - 60_000 && ttl <= april - march + 86_400_000, String(ttl));
    assert.equal((await b.consume('zv_other001', march)).used, 1, 'another key has its own budget');
    const fresh = await b.consume('zv_shared01', april);
    assert.deepEqual([fresh.allowed, fresh.used], [true, 1]);
  });

  test('Redis down: the node counts on from the last shared count, and adds its requests back after', async () => {
    const a = new RedisMonthlyQuota(redis.a, 5);
    const b = new RedisMonthlyQuota(redis.b, 5);
    assert.equal((await a.consume('zv_outage01', march)).used, 1);
    assert.equal((await a.consume('zv_outage01', march)).used, 2);
    await redis.service.stop();
    const during = [];
    for (let i = 0; i < 4; i++) during.push(await a.consume('zv_outage01', march + 10 + i));
    assert.deepEqual(
      during.map((d) => [d.allowed, d.used]),
      [
        [true, 3],
        [true, 4],
        [true, 5],
        [false, 5],
      ],
      'not a fresh quota: the fallback goes on from 2',
    );
    await redis.service.restart();
    for (let i = 0; i < 100 && redis.a.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(redis.a.status, 'ready');
    // The restarted Redis (no persistence here) forgot the two counted before the outage; the three
    // this node allowed during it travel with its next request, so Redis holds 3 + 1, not 1.
    const recovered = await a.consume('zv_outage01', march + 20);
    assert.deepEqual([recovered.allowed, recovered.used], [true, 4]);
    assert.equal(await redis.a.get('zenovay:quota:api:zv_outage01:2026-03'), '4');
    for (let i = 0; i < 100 && redis.b.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await b.consume('zv_outage01', march + 21)).used, 5, 'the other node sees them');
    assert.equal((await b.consume('zv_outage01', march + 22)).allowed, false);
  });
});

/**
 * Two runtimes of the full scale-out mode (one PostgreSQL database, one Redis) answer the REST API
 * in this process: a key's month is spent through either.
 */
describe('two scale-out runtimes share a key’s monthly quota', {
  skip: missingService('clickhouse', 'postgres', 'redis'),
}, () => {
  const services: RunningService[] = [];
  const servers: TestServer[] = [];

  before(async () => {
    services.push(
      ...(await Promise.all([startService('clickhouse'), startService('postgres'), startService('redis')])),
    );
    const [clickhouse, postgres, redis] = services as [RunningService, RunningService, RunningService];
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE zenovay_quota');
    await admin.end();
    const scale = {
      clickhouseUrl: `${clickhouse.url}/?database=zenovay_quota`,
      databaseUrl: postgres.url.replace(/\/postgres$/, '/zenovay_quota'),
      redisUrl: redis.url,
    };
    const clock = new ManualClock(march);
    for (let i = 0; i < 2; i++) {
      servers.push(
        await startTestServer({ clock, config: { scale, apiMonthlyLimit: 4, apiRateLimitPerMinute: 1_000 } }),
      );
    }
  });
  after(async () => {
    for (const server of servers) await server.stop();
    await Promise.all(services.map((service) => service.destroy()));
  });

  test('four requests in total through either node, then 429 on both until April', async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const key = await createKey(a);
    for (const [server, remaining] of [
      [a, '3'],
      [b, '2'],
      [a, '1'],
    ] as const) {
      const response = await apiGet(server, '/websites', key);
      assertApiOk(response);
      assert.equal(response.headers.get('x-ratelimit-monthly-remaining'), remaining);
    }
    const usage = assertApiOk(await apiGet(b, '/usage', key));
    assert.equal(usage.requests_this_month, 4);
    assert.equal(usage.rate_limit.per_month, 4);
    for (const server of [a, b]) {
      const refused = await apiGet(server, '/websites', key);
      assertApiError(refused, 429, 'RATE_LIMIT_EXCEEDED');
      assert.equal(refused.headers.get('retry-after'), '3600');
    }
    a.clock.set(april);
    assertApiOk(await apiGet(b, '/websites', key));
  });
});
