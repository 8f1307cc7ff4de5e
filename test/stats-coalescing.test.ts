/**
 * The coalescing engine (what `createDuckDbStatsEngine` returns): concurrent questions about a
 * site, as the dashboard's panels send them, get the answers each would get alone, in one batch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoalescingStatsEngine } from '../packages/server/src/stats/coalescing-engine.ts';
import { duckDbDialect } from '../packages/server/src/stats/duckdb-dialect.ts';
import { SqlStatsEngine } from '../packages/server/src/stats/engine.ts';
import { overviewQueries, type StatsQueryError } from '../packages/server/src/stats/index.ts';
import type { SqlRow } from '../packages/server/src/stats/results.ts';
import type { SqlParam } from '../packages/server/src/stats/sql-params.ts';
import { type Fixture, nowMs, openFixture, q, siteA, siteAUtc, week } from './stats-fixture.ts';

let fx: Fixture;
let statements = 0;
let coalescing: CoalescingStatsEngine;
before(async () => {
  fx = await openFixture();
  const connection = await fx.instance.connect();
  // The real engine on the real DuckDB file, counting the statements it sends.
  const engine = new SqlStatsEngine(duckDbDialect, {
    all: async (sql: string, params: readonly SqlParam[]) => {
      statements += 1;
      return (await connection.runAndReadAll(sql, [...params])).getRowObjectsJS() as SqlRow[];
    },
  });
  coalescing = new CoalescingStatsEngine(engine);
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
    statements = 0;
    const together = await Promise.all(queries.map((query) => coalescing.query(query, siteA, nowMs)));
    assert.deepEqual(together, alone);
    assert.equal(statements, 1);
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
