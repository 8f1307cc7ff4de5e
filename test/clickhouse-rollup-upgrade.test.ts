/**
 * Upgrading a ClickHouse database that predates the visit rollup (issue 16,
 * store/clickhouse/visit-buckets.ts), on Debian's 18.16 and on 26.7 in process (chdb): the store's
 * schema step creates the table and its materialized view, fills them from the events already
 * stored, records the fill, and from then on the stats read the rollup; events inserted later
 * reach it through the view. Expected numbers are worked out by hand below.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createLogger } from '../packages/server/src/log.ts';
import { createClickHouseStatsEngine, type StatsQuery } from '../packages/server/src/stats/index.ts';
import type { ClickHouseClient } from '../packages/server/src/store/clickhouse/client.ts';
import { ClickHouseEventStore } from '../packages/server/src/store/clickhouse/event-store.ts';
import { ClickHouseHttp } from '../packages/server/src/store/clickhouse/http-client.ts';
import type { ClickHouseTarget } from '../packages/server/src/store/clickhouse/target.ts';
import { event, q, siteAUtc } from './stats-fixture.ts';
import { missingChdb } from './support/chdb.ts';
import { ChdbServer } from './support/chdb-client.ts';
import { missingService, type RunningService, startService } from './support/services.ts';

/**
 * s1: /a 10:00 and /b 10:05 on the 4th (one bucket). s2: /c 23:55 on the 4th, /d 00:20 on the 5th
 * (two buckets). Added after the upgrade, s3: /e 09:00 on the 5th (one bucket).
 */
const before = [
  event({ session: 's1', visitor: 'v1', at: '2026-03-04T10:00:00Z', path: '/a', ref: 'google.com' }),
  event({ session: 's1', visitor: 'v1', at: '2026-03-04T10:05:00Z', path: '/b' }),
  event({ session: 's2', visitor: 'v2', at: '2026-03-04T23:55:00Z', path: '/c' }),
  event({ session: 's2', visitor: 'v2', at: '2026-03-05T00:20:00Z', path: '/d' }),
];
const later = [event({ session: 's3', visitor: 'v3', at: '2026-03-05T09:00:00Z', path: '/e' })];

const metrics: StatsQuery['metrics'] = ['visits', 'visitors', 'pageviews', 'bounce_rate', 'visit_duration'];
const day = (d: string) => ({ kind: 'custom', start: d, end: d }) as const;
const now = Date.parse('2026-03-10T12:00:00Z');
const quiet = createLogger('error');

function upgradeContract(open: () => Promise<{ target: ClickHouseTarget; http: ClickHouseClient }>): void {
  it('fills the rollup from the stored events, records it, and reads it from then on', async () => {
    const { target, http } = await open();
    const db = target.database;
    const store = await ClickHouseEventStore.open(target);
    await store.append(before);
    // The database as a release before the rollup left it: no view, table or state.
    for (const name of ['visit_buckets_mv', 'visit_buckets', 'rollup_state']) {
      await http.exec(`DROP TABLE IF EXISTS ${db}.${name}`);
    }
    const engine = createClickHouseStatsEngine(target, { coalesce: false });
    // Without a rollup the stats rebuild visits from events. The 4th: s1 (2 pageviews, 300 s) and
    // s2 (/c, a bounce): 2 visits, 2 visitors, 3 pageviews, 50 % bounce, 150 s.
    const day4 = await engine.query(q({ dateRange: day('2026-03-04'), metrics }), siteAUtc, now);
    assert.deepEqual(day4.results, [{ dimensions: [], metrics: [2, 2, 3, 50, 150] }]);

    // The upgraded release starts: it opens at once and fills the rollup behind its inserts.
    const upgradedStore = await ClickHouseEventStore.open(target, { log: quiet });
    await upgradedStore.rollupBuilt();
    const buckets = await http.rows<{ n: string }>(
      `SELECT count() AS n FROM (SELECT bucket, session FROM ${db}.visit_buckets GROUP BY bucket, session)`,
    );
    assert.equal(Number(buckets[0]?.n), 3, 's1 in one bucket, s2 in two');
    const state = await http.rows<{ built: number | string }>(
      `SELECT argMax(built, at) AS built FROM ${db}.rollup_state WHERE name = 'visits'`,
    );
    assert.equal(Number(state[0]?.built), 1);

    await upgradedStore.append(later);
    // Through the view: s3 adds one more bucket.
    const after = await http.rows<{ n: string }>(
      `SELECT count() AS n FROM (SELECT bucket, session FROM ${db}.visit_buckets GROUP BY bucket, session)`,
    );
    assert.equal(Number(after[0]?.n), 4);
    // A new engine (its "built" is not cached yet) answers from the rollup. The 4th as before.
    // The 5th: s2 (/d, a bounce, 0 s) and s3 (/e, a bounce): 2 visits, 2 pageviews, 100 %, 0 s.
    // Both days: s1 300 s, s2 /c -> /d 1,500 s, s3 0 s: 3 visits, 5 pageviews, 1/3 bounce, 600 s.
    const upgraded = createClickHouseStatsEngine(target, { coalesce: false });
    const answers = await Promise.all(
      [
        day('2026-03-04'),
        day('2026-03-05'),
        { kind: 'custom', start: '2026-03-04', end: '2026-03-05' } as const,
      ].map((dateRange) => upgraded.query(q({ dateRange, metrics }), siteAUtc, now)),
    );
    assert.deepEqual(
      answers.map((answer) => answer.results[0]?.metrics),
      [
        [2, 2, 3, 50, 150],
        [2, 2, 2, 100, 0],
        [3, 3, 5, 33, 600],
      ],
    );
  });
}

const clickHouseSkip = missingService('clickhouse');
describe('visit rollup upgrade, ClickHouse 18.16', { skip: clickHouseSkip }, () => {
  let server: RunningService | undefined;
  upgradeContract(async () => {
    server = await startService('clickhouse');
    return {
      target: { shardUrls: [server.url], database: 'upgrade_1' },
      http: new ClickHouseHttp(server.url),
    };
  });
  after(async () => {
    await server?.destroy();
  });
});

const chdbSkip = missingChdb();
describe('visit rollup upgrade, ClickHouse 26 in process (chdb)', { skip: chdbSkip }, () => {
  let chdb: ChdbServer | undefined;
  upgradeContract(async () => {
    chdb = new ChdbServer();
    return { target: chdb.target('upgrade_1'), http: chdb.client() };
  });
  after(async () => {
    await chdb?.close();
  });
});
