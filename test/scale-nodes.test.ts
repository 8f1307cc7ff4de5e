import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../packages/server/src/clock.ts';
import type { ScaleConfig } from '../packages/server/src/config.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import {
  addSite,
  postEvent,
  serverDefaults,
  startTestServer,
  type TestServer,
} from './support/test-server.ts';

const t0 = Date.parse('2026-03-10T12:00:00Z');
const event = (n: number, extra: Record<string, unknown> = {}) => ({
  ...serverDefaults,
  event_type: 'pageview',
  url: `https://example.com/page-${n}`,
  session_id: `session-${n % 7}`,
  ...extra,
});

/** Two nodes of the full scale-out mode (PostgreSQL, Redis, append log + ClickHouse) in this process. */
describe('scale-out: two nodes share metadata, limits, idempotency and events', {
  skip: missingService('redis', 'postgres', 'clickhouse'),
}, () => {
  const services: RunningService[] = [];
  let scaleConfig: ScaleConfig;
  const nodes: TestServer[] = [];
  let clickhouse: ClickHouseEventStore;
  let site: Site;

  before(async () => {
    const [redis, postgres, ch] = await Promise.all([
      startService('redis'),
      startService('postgres'),
      startService('clickhouse'),
    ]);
    services.push(redis!, postgres!, ch!);
    const scale = {
      clickhouseUrl: `${ch!.url}/?database=zenovay_nodes`,
      databaseUrl: postgres!.url,
      redisUrl: redis!.url,
    };
    scaleConfig = scale;
    const first = await startTestServer({ clock: new ManualClock(t0), config: { scale } });
    nodes.push(first);
    site = await addSite(first, 'example.com');
    // The second node starts after the site exists (sites are read from PostgreSQL at start).
    nodes.push(await startTestServer({ clock: new ManualClock(t0), config: { scale } }));
    clickhouse = await ClickHouseEventStore.open({ shardUrls: [ch!.url], database: 'zenovay_nodes' });
  });
  after(async () => {
    for (const node of nodes) await node.stop();
    for (const service of services) await service.destroy();
  });

  test('per-IP limits hold in total: 60 per 10 s across both nodes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 80; i++) {
      statuses.push((await postEvent(nodes[i % 2]!, site.trackingCode, event(i))).status);
    }
    assert.equal(statuses.filter((status) => status === 202).length, 60);
    assert.equal(statuses.filter((status) => status === 429).length, 20);
  });

  test('an event_id sent to both nodes is stored once; the second node says duplicate', async () => {
    for (const node of nodes) node.clock.advance(10_000);
    const a = await postEvent(nodes[0]!, site.trackingCode, event(1, { event_id: 'order-77' }));
    const b = await postEvent(nodes[1]!, site.trackingCode, event(1, { event_id: 'order-77' }));
    assert.deepEqual([a.status, a.body.duplicate], [202, false], JSON.stringify(a.body));
    assert.deepEqual([b.status, b.body.duplicate], [202, true]);
  });

  test('acknowledged events reach ClickHouse once each, from both nodes', async () => {
    // The spools ship in the background: wait (bounded) until ClickHouse has them all.
    let stored = await clickhouse.siteEvents(site.id);
    for (let i = 0; i < 150 && stored.length < 61; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await clickhouse.siteEvents(site.id);
    }
    assert.equal(stored.length, 61);
    assert.equal(stored.filter((row) => row.eventId === 'order-77').length, 1);
  });

  test('ClickHouse down: a node starts, accepts into its log up to the cap, then 503 + Retry-After', async () => {
    const ch = services[2]!;
    await ch.stop();
    const small = await startTestServer({
      clock: new ManualClock(t0 + 60_000),
      config: {
        scale: scaleConfig,
        logCapBytes: 8_000,
        ingestLimits: [{ limit: 1_000, windowMs: 10_000 }],
      },
    });
    nodes.push(small);
    const statuses: number[] = [];
    let refusal: { status: number; retryAfter: string | null; code: string } | undefined;
    for (let i = 0; i < 40 && !refusal; i++) {
      const response = await postEvent(small, site.trackingCode, event(i, { event_id: `capped-${i}` }));
      statuses.push(response.status);
      if (response.status !== 202) {
        refusal = {
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          code: response.body.error?.code,
        };
      }
    }
    const accepted = statuses.filter((status) => status === 202).length;
    assert.ok(accepted >= 5, `accepted ${accepted} before the cap`);
    assert.deepEqual(refusal && { ...refusal, retryAfter: refusal.retryAfter !== null }, {
      status: 503,
      retryAfter: true,
      code: 'LOG_FULL',
    });
    await ch.restart();
    let stored: unknown[] = [];
    for (let i = 0; i < 300 && stored.length < accepted; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = (await clickhouse.siteEvents(site.id).catch(() => [])).filter((row) =>
        row.eventId.startsWith('capped-'),
      );
    }
    assert.equal(stored.length, accepted);
  });
});
