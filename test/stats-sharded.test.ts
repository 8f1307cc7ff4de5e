/**
 * The stats engine over a ClickHouse "cluster" of two shards (a Distributed `events` over both):
 * the fixture's events spread over the shards, and every answer equals the embedded engine's
 * (whose answers stats-engine.test.ts checks by hand).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createClickHouseStatsEngine,
  overviewQueries,
  type StatsEngine,
} from '../packages/server/src/stats/index.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import { ClickHouseHttp } from '../packages/server/src/store/clickhouse/http-client.ts';
import {
  type Fixture,
  fixtureEvents,
  nowMs,
  openFixture,
  q,
  siteA,
  siteAUtc,
  week,
} from './stats-fixture.ts';
import { freePortPair, missingService, type RunningService, startService } from './support/services.ts';

const queries = [
  ...Object.values(overviewQueries(siteA.id, week, [], { panelLimit: 3 })),
  q({ metrics: ['visitors', 'revenue', 'conversion_rate'], dimensions: ['event:name'] }),
  q({ metrics: ['visitors', 'bounce_rate', 'visit_duration'], dimensions: ['visit:entry_page', 'time:day'] }),
  q({ metrics: ['visitors', 'events'], dimensions: ['event:props:plan'], compare: 'previous_period' }),
  q({ metrics: ['visits'], filters: [{ op: 'contains', dimension: 'visit:source', values: ['OO'] }] }),
];

describe('stats over two ClickHouse shards', { skip: missingService('clickhouse') }, () => {
  const shards: RunningService[] = [];
  let duckdb: Fixture;
  let clickhouse: StatsEngine;

  before(async () => {
    const first = await freePortPair();
    let second = await freePortPair();
    while (Math.abs(second - first) < 2) second = await freePortPair();
    const env = { CLICKHOUSE_SHARD_PORTS: [first + 1, second + 1].join(',') };
    shards.push(
      ...(await Promise.all([first, second].map((port) => startService('clickhouse', { port, env })))),
    );
    const target = { shardUrls: shards.map((shard) => shard.url), database: 'zenovay' };
    await (await ClickHouseEventStore.open(target)).append(fixtureEvents);
    clickhouse = createClickHouseStatsEngine(target);
    duckdb = await openFixture();
  });
  after(async () => {
    await duckdb?.close();
    await Promise.all(shards.map((shard) => shard.destroy()));
  });

  it('holds events on both shards', async () => {
    for (const shard of shards) {
      const [row] = await new ClickHouseHttp(shard.url).rows<{ n: string }>(
        'SELECT count() AS n FROM zenovay.events_local',
      );
      assert.ok(Number(row?.n) > 0, shard.url);
    }
  });

  it('answers every query as the embedded engine does, one by one and as a page', async () => {
    for (const site of [siteA, siteAUtc]) {
      const expected = [];
      for (const query of queries) expected.push(await duckdb.engine.query(query, site, nowMs));
      const alone = [];
      for (const query of queries) alone.push(await clickhouse.query(query, site, nowMs));
      assert.deepEqual(alone, expected);
      assert.deepEqual(await clickhouse.queryMany(queries, site, nowMs), expected);
    }
  });
});
