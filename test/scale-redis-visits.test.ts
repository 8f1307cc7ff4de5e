import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ManualClock } from '../packages/server/src/clock.ts';
import { ServerSessions, visitTimeoutMs } from '../packages/server/src/ingest/server-session.ts';
import { SharedServerSessions } from '../packages/server/src/ingest/server-session-shared.ts';
import { RedisVisitStore } from '../packages/server/src/limits/redis-visits.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { redisPair } from './support/redis-pair.ts';
import { missingService } from './support/services.ts';

const t0 = Date.parse('2026-03-10T12:00:00Z');
const min = 60_000;

/** Two nodes' view of the shared visits: each its own Redis connection and in-memory mirror. */
describe('server-assigned visits shared through Redis', { skip: missingService('redis') }, () => {
  const redis = redisPair();
  let storeA: RedisVisitStore;
  let storeB: RedisVisitStore;

  before(() => {
    storeA = new RedisVisitStore(redis.a);
    storeB = new RedisVisitStore(redis.b);
  });

  const node = (store: RedisVisitStore, log?: string[]) =>
    new SharedServerSessions(
      store,
      new ServerSessions(),
      log ? createLogger('info', (line) => log.push(JSON.parse(line).message)) : undefined,
    );

  test('the same visitor through two nodes is one visit; the first candidate wins', async () => {
    const first = await storeA.resolve('site', 'visitor-1', t0, 'zs_from_a');
    assert.equal(first, 'zs_from_a');
    assert.equal(await storeB.resolve('site', 'visitor-1', t0 + min, 'zs_from_b'), 'zs_from_a');
    const [a, b] = [node(storeA), node(storeB)];
    const ids = [];
    for (let i = 0; i < 6; i++)
      ids.push(await (i % 2 === 0 ? a : b).resolve('site', 'visitor-2', t0 + i * min));
    assert.match(ids[0]!, /^zs_[A-Za-z0-9_-]{16}$/);
    assert.deepEqual(ids, Array(6).fill(ids[0]));
  });

  test('the timeout follows the injected clock: sliding, exact at 30 minutes, then a new visit', async () => {
    const clock = new ManualClock(t0);
    const [a, b] = [node(storeA), node(storeB)];
    const first = await a.resolve('site', 'visitor-3', clock.now());
    clock.advance(20 * min);
    assert.equal(await b.resolve('site', 'visitor-3', clock.now()), first);
    // 30 minutes after the last activity (on node B) is still the visit, even for node A, whose
    // own mirror last saw the visitor 50 minutes ago.
    clock.advance(visitTimeoutMs);
    assert.equal(await a.resolve('site', 'visitor-3', clock.now()), first);
    clock.advance(visitTimeoutMs + 1);
    const second = await b.resolve('site', 'visitor-3', clock.now());
    assert.notEqual(second, first);
    assert.equal(await a.resolve('site', 'visitor-3', clock.now() + 1), second);
    // An older event (batch ingest) continues the visit without moving its last activity back.
    assert.equal(await a.resolve('site', 'visitor-3', clock.now() - 5 * min), second);
    assert.equal(await b.resolve('site', 'visitor-3', clock.now() + visitTimeoutMs), second);
  });

  test('sites and visitors are independent; keys hold neither the visitor id nor an address', async () => {
    const a = node(storeA);
    const ids = new Set([
      await a.resolve('site', '203.0.113.9', t0),
      await a.resolve('site', 'visitor-other', t0),
      await a.resolve('other-site', '203.0.113.9', t0),
    ]);
    assert.equal(ids.size, 3);
    const keys = await redis.a.keys('zenovay:visit:*');
    assert.ok(keys.length >= 3);
    assert.deepEqual(
      keys.filter((key) => key.includes('203.0.113.9') || key.includes('visitor-')),
      [],
    );
    const ttl = await redis.a.pttl(RedisVisitStore.key('site', '203.0.113.9'));
    assert.ok(ttl > visitTimeoutMs, `the TTL (${ttl} ms) only reclaims visits after the timeout`);
  });

  test('concurrent resolves of a new visitor on two nodes agree', async () => {
    const [a, b] = [node(storeA), node(storeB)];
    const ids = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).resolve('site', 'visitor-race', t0)),
    );
    assert.equal(new Set(ids).size, 1, String(new Set(ids).size));
  });

  test('Redis down: each node continues from its memory; after a restart the visit is put back', async () => {
    const messages: string[] = [];
    const [a, b] = [node(storeA, messages), node(storeB)];
    const visit = await a.resolve('site', 'visitor-outage', t0);
    assert.equal(await b.resolve('site', 'visitor-outage', t0 + min), visit);
    await redis.service.stop();
    assert.equal(await a.resolve('site', 'visitor-outage', t0 + 2 * min), visit, 'node A still knows it');
    assert.equal(await a.resolve('site', 'visitor-outage', t0 + 3 * min), visit);
    const fresh = await a.resolve('site', 'visitor-new-in-outage', t0 + 3 * min);
    assert.match(fresh, /^zs_/);
    assert.deepEqual(messages, ['Redis unreachable: server-assigned visits fall back to per-node memory']);
    await redis.service.restart();
    for (let i = 0; i < 100 && (redis.a.status !== 'ready' || redis.b.status !== 'ready'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Redis came back empty: the first node asked offers the visit from its memory, and the other
    // node joins it (node B never saw the visit opened during the outage).
    assert.equal(await b.resolve('site', 'visitor-outage', t0 + 4 * min), visit);
    assert.equal(await a.resolve('site', 'visitor-outage', t0 + 5 * min), visit);
    assert.equal(await a.resolve('site', 'visitor-new-in-outage', t0 + 5 * min), fresh);
    assert.equal(await b.resolve('site', 'visitor-new-in-outage', t0 + 6 * min), fresh);
    assert.equal(messages.at(-1), 'Redis reachable again: server-assigned visits are shared across nodes');
    assert.equal(messages.length, 2);
  });
});
