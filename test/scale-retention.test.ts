/**
 * Data retention on ClickHouse (store/clickhouse/retention.ts), on the real 18.16 server: months
 * entirely before the cutoff are dropped as partitions, the boundary month is trimmed by a
 * mutation, and the stats engine then answers exactly as over a store that never held the deleted
 * events. With shards, each shard's local table is handled.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../packages/server/src/clock.ts';
import { createClickHouseStatsEngine, type StatsQuery } from '../packages/server/src/stats/index.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import { ClickHouseHttp } from '../packages/server/src/store/clickhouse/http-client.ts';
import { ClickHouseRetention, monthEndMs } from '../packages/server/src/store/clickhouse/retention.ts';
import type { ClickHouseTarget } from '../packages/server/src/store/clickhouse/target.ts';
import { retentionCutoffMs } from '../packages/server/src/store/retention.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { eventRow } from './support/scale-rows.ts';
import { freePortPair, missingService, type RunningService, startService } from './support/services.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const nowMs = Date.parse('2026-03-10T12:00:00Z');
/** 30 days: everything before 2026-02-08T00:00Z goes. */
const cutoffMs = retentionCutoffMs(nowMs, 30);

const site: Site = {
  id: 'site-r',
  domain: 'r.example',
  name: 'R',
  trackingCode: 'ZV_r',
  timezone: 'UTC',
  createdAt: '2025-01-01T00:00:00.000Z',
};

/** Four events a day on a few days of four months, two sites; some before the cutoff. */
const days = [
  '2025-12-15',
  '2026-01-02',
  '2026-01-31',
  '2026-02-01',
  '2026-02-07',
  '2026-02-08',
  '2026-02-20',
  '2026-03-09',
  '2026-03-10',
];
const events = days.flatMap((day, d) =>
  [0, 1, 2, 3].map((i) =>
    eventRow({
      ts: Date.parse(`${day}T${String(6 + i * 4).padStart(2, '0')}:30:00Z`),
      siteId: i === 3 ? 'site-other' : site.id,
      pathname: `/p${i % 2}`,
      sessionId: `sess-${d}-${i % 2}`,
      visitorId: `vis-${i % 3}`,
      eventId: `evt-${d}-${i}`,
    }),
  ),
);
const kept = events.filter((row) => row.ts >= cutoffMs);

const query = (overrides: Partial<StatsQuery>): StatsQuery => ({
  siteId: site.id,
  dateRange: { kind: 'custom', start: '2025-12-01', end: '2026-03-10' },
  metrics: ['visitors', 'visits', 'pageviews', 'events'],
  dimensions: [],
  filters: [],
  orderBy: [],
  limit: 100,
  page: 0,
  compare: null,
  ...overrides,
});
const queries = [
  query({}),
  query({ dimensions: ['event:page'] }),
  query({ dimensions: ['time:day'] }),
  query({ metrics: ['visitors'], dimensions: ['time:month'] }),
];

async function partitions(url: string, database: string, table: string): Promise<string[]> {
  const rows = await new ClickHouseHttp(url).rows<{ partition: string }>(
    `SELECT DISTINCT partition FROM system.parts
     WHERE database = '${database}' AND table = '${table}' AND active ORDER BY partition`,
  );
  return rows.map((row) => row.partition);
}

/** Mutations run in the background on 18.16: wait (bounded) until none of this table is pending. */
async function mutationsDone(url: string, database: string): Promise<void> {
  const http = new ClickHouseHttp(url);
  for (let i = 0; i < 200; i++) {
    const [row] = await http.rows<{ n: string }>(
      `SELECT count() AS n FROM system.mutations WHERE database = '${database}' AND NOT is_done`,
    );
    if (Number(row?.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('mutations still pending');
}

async function storedTimes(target: ClickHouseTarget): Promise<number[]> {
  const store = await ClickHouseEventStore.open(target);
  const rows = [...(await store.siteEvents(site.id)), ...(await store.siteEvents('site-other'))];
  return rows.map((row) => row.ts).sort((x, y) => x - y);
}

describe('retention on ClickHouse (one server)', { skip: missingService('clickhouse') }, () => {
  let service: RunningService;
  let target: ClickHouseTarget;
  let reference: ClickHouseTarget;

  before(async () => {
    service = await startService('clickhouse');
    target = { shardUrls: [service.url], database: 'zenovay_retention' };
    // The same server, a database that only ever held the events retention keeps.
    reference = { shardUrls: [service.url], database: 'zenovay_reference' };
    await (await ClickHouseEventStore.open(target)).append(events);
    await (await ClickHouseEventStore.open(reference)).append(kept);
  });
  after(async () => service?.destroy());

  it('drops months entirely before the cutoff, trims the boundary month, and stats match', async () => {
    assert.equal(new Date(cutoffMs).toISOString(), '2026-02-08T00:00:00.000Z');
    assert.equal(monthEndMs(202601), Date.parse('2026-02-01T00:00:00Z'));
    assert.equal(monthEndMs(202512), Date.parse('2026-01-01T00:00:00Z'));
    const stats = createClickHouseStatsEngine(target);
    const expected = createClickHouseStatsEngine(reference);
    const answers = async (engine: typeof stats) => {
      const out = [];
      for (const item of queries) out.push(await engine.query(item, site, nowMs));
      return out;
    };
    assert.notDeepEqual(await answers(stats), await answers(expected)); // old events still counted
    assert.deepEqual(await partitions(service.url, target.database, 'events'), [
      '202512',
      '202601',
      '202602',
      '202603',
    ]);

    const retention = new ClickHouseRetention(target);
    assert.deepEqual(await retention.deleteBefore(cutoffMs), { partitions: 2, mutations: 1 });
    await mutationsDone(service.url, target.database);

    assert.deepEqual(await partitions(service.url, target.database, 'events'), ['202602', '202603']);
    assert.deepEqual(
      await storedTimes(target),
      kept.map((row) => row.ts).sort((x, y) => x - y),
    );
    assert.deepEqual(await answers(stats), await answers(expected));
  });

  it('does the boundary month at most once per cutoff, and a second node finds nothing to do', async () => {
    const retention = new ClickHouseRetention(target);
    assert.deepEqual(await retention.deleteBefore(cutoffMs), { partitions: 0, mutations: 0 });
    // An event before the cutoff arriving late (e.g. from a spool after an outage) waits for the next day.
    await (await ClickHouseEventStore.open(target)).append([
      eventRow({ ts: Date.parse('2026-02-05T10:00:00Z'), siteId: site.id, eventId: 'late' }),
    ]);
    assert.deepEqual(await retention.deleteBefore(cutoffMs), { partitions: 0, mutations: 0 });
    const nextDay = cutoffMs + 86_400_000;
    assert.deepEqual(await retention.deleteBefore(nextDay), { partitions: 0, mutations: 1 });
    await mutationsDone(service.url, target.database);
    assert.ok((await storedTimes(target)).every((ts) => ts >= nextDay));
    // Another node (or a restarted one) with the same cutoff: nothing left to delete, no mutation.
    assert.deepEqual(await new ClickHouseRetention(target).deleteBefore(nextDay), {
      partitions: 0,
      mutations: 0,
    });
  });
});

describe('retention on ClickHouse (two shards)', { skip: missingService('clickhouse') }, () => {
  const shards: RunningService[] = [];
  let target: ClickHouseTarget;

  before(async () => {
    const first = await freePortPair();
    let second = await freePortPair();
    while (Math.abs(second - first) < 2) second = await freePortPair();
    const env = { CLICKHOUSE_SHARD_PORTS: [first + 1, second + 1].join(',') };
    shards.push(
      ...(await Promise.all([first, second].map((port) => startService('clickhouse', { port, env })))),
    );
    target = { shardUrls: shards.map((shard) => shard.url), database: 'zenovay' };
    await (await ClickHouseEventStore.open(target)).append(events);
  });
  after(async () => {
    await Promise.all(shards.map((shard) => shard.destroy()));
  });

  it("handles every shard's local table", async () => {
    let expired = 0;
    for (const shard of shards) {
      const before = await partitions(shard.url, 'zenovay', 'events_local');
      assert.ok(before.includes('202601') && before.includes('202602'), `${shard.url}: ${before}`);
      expired += before.filter((month) => month < '202602').length;
    }
    const done = await new ClickHouseRetention(target).deleteBefore(cutoffMs);
    assert.deepEqual(done, { partitions: expired, mutations: 2 });
    for (const shard of shards) {
      await mutationsDone(shard.url, 'zenovay');
      assert.deepEqual(await partitions(shard.url, 'zenovay', 'events_local'), ['202602', '202603']);
    }
    assert.deepEqual(
      await storedTimes(target),
      kept.map((row) => row.ts).sort((x, y) => x - y),
    );
  });
});

describe('retention job of a scale-out node', { skip: missingService('clickhouse', 'postgres') }, () => {
  const services: RunningService[] = [];
  let server: TestServer;
  let target: ClickHouseTarget;

  before(async () => {
    const [ch, postgres] = await Promise.all([startService('clickhouse'), startService('postgres')]);
    services.push(ch, postgres);
    target = { shardUrls: [ch.url], database: 'zenovay_node' };
    const scale = {
      clickhouseUrl: `${ch.url}/?database=${target.database}`,
      databaseUrl: postgres.url,
      redisUrl: null,
    };
    server = await startTestServer({
      clock: new ManualClock(Date.parse('2026-01-01T00:00:00Z')),
      config: { scale, retentionDays: 30 },
    });
  });
  after(async () => {
    await server?.stop();
    await Promise.all(services.map((service) => service.destroy()));
  });

  it('deletes old events in ClickHouse and old refusal counters in PostgreSQL', async () => {
    await (await ClickHouseEventStore.open(target)).append(events);
    await server.runtime.metadata.addRefusals([
      { siteId: site.id, day: '2026-02-07', reason: 'BOT_DETECTED', count: 3 },
      { siteId: site.id, day: '2026-02-08', reason: 'BOT_DETECTED', count: 1 },
    ]);
    server.clock.set(nowMs);
    await server.runtime.retention?.pass();
    await mutationsDone(target.shardUrls[0]!, target.database);
    assert.deepEqual(
      await storedTimes(target),
      kept.map((row) => row.ts).sort((x, y) => x - y),
    );
    assert.deepEqual(
      (await server.runtime.metadata.refusals('2000-01-01')).map((item) => item.day),
      ['2026-02-08'],
    );
  });
});
