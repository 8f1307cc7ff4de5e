/**
 * The coalescing engine (what `createDuckDbStatsEngine` returns): concurrent questions about a
 * site, as the dashboard's panels send them, get the answers each would get alone, in one batch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoalescingStatsEngine } from '../packages/server/src/stats/coalescing-engine.ts';
import { overviewQueries, type StatsQueryError } from '../packages/server/src/stats/index.ts';
import {
  clickHouseFixtures,
  nowMs,
  type OpenFixture,
  openFixture,
  q,
  type StatsFixture,
  siteA,
  siteAUtc,
  week,
} from './stats-fixture.ts';

/** The contract, run on each backend with the same fixture and assertions. */
function coalescingContract(open: OpenFixture): void {
  let fx: StatsFixture;
  let counted: ReturnType<StatsFixture['countingEngine']>;
  let coalescing: CoalescingStatsEngine;
  before(async () => {
    fx = await open();
    // The real engine on the real store, counting the statements it sends.
    counted = fx.countingEngine();
    coalescing = new CoalescingStatsEngine(counted.engine);
  });
  after(() => fx.close());

  describe('coalescing concurrent queries', () => {
    it('answers each concurrent query as it would be answered alone, in one statement', async () => {
      const queries = [
        ...Object.values(overviewQueries(siteA.id, week, [], { panelLimit: 3 })),
        q({ dateRange: { kind: 'preset', preset: '7d' }, dimensions: ['visit:channel'] }),
      ];
      const alone = [];
      for (const query of queries) alone.push(await fx.engine.query(query, siteA, nowMs));
      const sent = counted.statements();
      const together = await Promise.all(queries.map((query) => coalescing.query(query, siteA, nowMs)));
      assert.deepEqual(together, alone);
      // Counted through the plain SQL engine: on ClickHouse 18.16 (no CTE subqueries to share a
      // scan through) its batch is one statement per question and per previous period, sent at
      // once. (The service's ClickHouse engine also builds the page's visits once, in a temporary
      // table: stats/clickhouse-engine.ts.)
      const separately = queries.reduce((n, query) => n + (query.compare ? 2 : 1), 0);
      assert.equal(counted.statements() - sent, fx.backend === 'duckdb' ? 1 : separately);
      assert.deepEqual(together[0]?.results[0]?.metrics, [7, 8, 9, 1.13, 38, 279]); // see stats-engine.test.ts
    });

    it('gives an invalid query its own error and the others their answers', async () => {
      const good = q({ metrics: ['visitors'] });
      const [ok, bad] = await Promise.allSettled([
        coalescing.query(good, siteA, nowMs),
        coalescing.query(q({ metrics: [] }), siteA, nowMs),
      ]);
      assert.equal(ok.status, 'fulfilled');
      assert.deepEqual(ok.status === 'fulfilled' && ok.value, await fx.engine.query(good, siteA, nowMs));
      assert.equal(bad.status, 'rejected');
      const fields = bad.status === 'rejected' ? (bad.reason as StatsQueryError).fields : [];
      assert.ok(
        fields.some((f) => f.field === 'metrics'),
        JSON.stringify(fields),
      );
    });

    it('does not mix sites or time zones', async () => {
      const query = q({ metrics: ['visitors', 'visits', 'pageviews'] });
      const [berlin, utc] = await Promise.all([
        coalescing.query(query, siteA, nowMs),
        coalescing.query(query, siteAUtc, nowMs),
      ]);
      assert.deepEqual(berlin?.results[0]?.metrics, [7, 8, 9]);
      assert.deepEqual(utc?.results[0]?.metrics, [6, 8, 9]); // see stats-engine.test.ts
    });
  });
}

describe('on DuckDB', () => coalescingContract(openFixture));

const clickhouse = clickHouseFixtures();
describe('on ClickHouse', { skip: clickhouse.skip }, () => {
  coalescingContract(clickhouse.open);
  after(() => clickhouse.stop());
});
