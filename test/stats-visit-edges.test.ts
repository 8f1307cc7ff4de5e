/**
 * The range-edge rule of the visit rollup (issue 16, stats/rollup-visits.ts): a visit counts with
 * its events inside the range, exactly as when visits were rebuilt from the range's events; a
 * visit that started before the range or goes on past its end is rebuilt from its in-range events.
 * The same contract runs on DuckDB (rollup + rebuilt straddlers) and on ClickHouse (the bucketed
 * rollup, which needs no edge logic); every expected number is worked out by hand below.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StatsQuery } from '../packages/server/src/stats/index.ts';
import { eventColumns } from '../packages/server/src/store/clickhouse/schema.ts';
import {
  chdbFixtures,
  clickHouseFixtures,
  event,
  type Fixture,
  type OpenFixture,
  openFixture,
  q,
  siteAUtc,
} from './stats-fixture.ts';

const visit =
  (session: string, visitor: string) =>
  (at: string, extra: Partial<Parameters<typeof event>[0]> = {}) =>
    event({ session, visitor, at, ...extra });

const w1 = visit('w1', 'x1');
const w2 = visit('w2', 'x2');
const w3 = visit('w3', 'x3');
const w4 = visit('w4', 'x1');
const w5 = visit('w5', 'x5');
const w6 = visit('w6', 'x4');

/** UTC site; the day of 2026-03-04 is the range most tests ask about. */
const edgeEvents = [
  // W1 wholly inside the 4th: /a -> /b, 300 s, Google.
  w1('2026-03-04T10:00:00Z', { path: '/a', ref: 'google.com' }),
  w1('2026-03-04T10:05:00Z', { path: '/b' }),
  // W2 began on the 3rd (from Hacker News); on the 4th: pageview /c, then a signup 120 s later.
  w2('2026-03-03T23:50:00Z', { path: '/old', ref: 'news.ycombinator.com' }),
  w2('2026-03-04T00:10:00Z', { path: '/c' }),
  w2('2026-03-04T00:12:00Z', { name: 'signup', path: '/c' }),
  // W3 begins at 23:55 on the 4th (from Bing) and goes on to /e at 00:20 on the 5th.
  w3('2026-03-04T23:55:00Z', { path: '/d', ref: 'bing.com' }),
  w3('2026-03-05T00:20:00Z', { path: '/e' }),
  // W4 (visitor x1 again) spans both edges of the 4th: /s on the 3rd, /m on the 4th, /z on the 5th.
  w4('2026-03-03T22:00:00Z', { path: '/s', ref: 'duckduckgo.com' }),
  w4('2026-03-04T12:00:00Z', { path: '/m' }),
  w4('2026-03-05T02:00:00Z', { path: '/z' }),
  // W5 wholly on the 3rd, W6 wholly on the 5th.
  w5('2026-03-03T09:00:00Z', { path: '/a' }),
  w6('2026-03-05T09:00:00Z', { path: '/f' }),
];

const day4 = { kind: 'custom', start: '2026-03-04', end: '2026-03-04' } as const;
const days4and5 = { kind: 'custom', start: '2026-03-04', end: '2026-03-05' } as const;
const topMetrics: StatsQuery['metrics'] = [
  'visits',
  'visitors',
  'pageviews',
  'events',
  'bounce_rate',
  'visit_duration',
];

function edgeContract(open: OpenFixture): void {
  let fx: Awaited<ReturnType<OpenFixture>>;
  before(async () => {
    fx = await open(edgeEvents);
  });
  after(() => fx.close());
  const ask = (query: Partial<StatsQuery>) =>
    fx.engine.query(q(query), siteAUtc, Date.parse('2026-03-10T12:00:00Z'));

  it('counts straddling visits with their events inside the range (one day)', async () => {
    // In range: W1 (2 pv), W2 (/c + signup), W3 (/d), W4 (/m). visits 4; visitors x1, x2, x3 = 3;
    // pageviews 2+1+1+1 = 5; events 2+2+1+1 = 6; bounces W3, W4 = 2/4 = 50 %;
    // duration (300 + 120 + 0 + 0) / 4 = 105 s.
    const res = await ask({ dateRange: day4, metrics: topMetrics });
    assert.deepEqual(res.results, [{ dimensions: [], metrics: [4, 3, 5, 6, 50, 105] }]);
  });

  it('takes a straddler’s source and entry page from its first event in range', async () => {
    // W2's and W4's first events on the 4th have no referrer: Direct; W1 Google, W3 Bing.
    const sources = await ask({ dateRange: day4, metrics: ['visits'], dimensions: ['visit:source'] });
    assert.deepEqual(sources.results, [
      { dimensions: ['Direct / None'], metrics: [2] },
      { dimensions: ['Bing'], metrics: [1] },
      { dimensions: ['Google'], metrics: [1] },
    ]);
    const entries = await ask({
      dateRange: day4,
      metrics: ['visits', 'visit_duration'],
      dimensions: ['visit:entry_page'],
      orderBy: [{ key: 'visit:entry_page', direction: 'asc' }],
    });
    assert.deepEqual(entries.results, [
      { dimensions: ['/a'], metrics: [1, 300] },
      { dimensions: ['/c'], metrics: [1, 120] },
      { dimensions: ['/d'], metrics: [1, 0] },
      { dimensions: ['/m'], metrics: [1, 0] },
    ]);
    const exits = await ask({
      dateRange: day4,
      metrics: ['visits'],
      dimensions: ['visit:exit_page'],
      orderBy: [{ key: 'visit:exit_page', direction: 'asc' }],
    });
    assert.deepEqual(
      exits.results.map((row) => row.dimensions[0]),
      ['/b', '/c', '/d', '/m'],
    );
  });

  it('over two days: W3 whole, W4 still cut at the start', async () => {
    // W1 (2 pv, 300 s), W2 (1 pv + signup, 120 s), W3 (/d, /e: 1,500 s), W4 (/m, /z: 14 h =
    // 50,400 s), W6 (/f, bounce). visits 5; visitors x1, x2, x3, x4 = 4; pageviews 2+1+2+2+1 = 8;
    // events 2+2+2+2+1 = 9; bounce W6 = 1/5 = 20 %; duration (300+120+1500+50400+0) / 5 = 10,464.
    const res = await ask({ dateRange: days4and5, metrics: topMetrics });
    assert.deepEqual(res.results, [{ dimensions: [], metrics: [5, 4, 8, 9, 20, 10_464] }]);
    const exits = await ask({
      dateRange: days4and5,
      metrics: ['visits'],
      dimensions: ['visit:exit_page'],
      orderBy: [{ key: 'visit:exit_page', direction: 'asc' }],
    });
    assert.deepEqual(
      exits.results.map((row) => row.dimensions[0]),
      ['/b', '/c', '/e', '/f', '/z'],
    );
  });

  it('filters events by a straddler’s in-range visit fields', async () => {
    // Pageviews on the 4th of visits whose source there is Direct: W2's /c and W4's /m.
    const res = await ask({
      dateRange: day4,
      metrics: ['pageviews'],
      dimensions: ['event:page'],
      filters: [{ op: 'is', dimension: 'visit:source', values: ['Direct / None'] }],
      orderBy: [{ key: 'event:page', direction: 'asc' }],
    });
    assert.deepEqual(res.results, [
      { dimensions: ['/c'], metrics: [1] },
      { dimensions: ['/m'], metrics: [1] },
    ]);
  });

  it('answers a batch (one statement) the same as each question alone', async () => {
    const queries = [
      q({ dateRange: day4, metrics: topMetrics, compare: 'previous_period' }),
      q({ dateRange: day4, metrics: ['visits'], dimensions: ['visit:source'] }),
      q({ dateRange: day4, metrics: ['visits', 'bounce_rate'], dimensions: ['visit:entry_page'] }),
    ];
    const now = Date.parse('2026-03-10T12:00:00Z');
    const batch = await fx.engine.queryMany(queries, siteAUtc, now);
    const alone = await Promise.all(queries.map((query) => fx.engine.query(query, siteAUtc, now)));
    assert.deepEqual(batch, alone);
    // The previous period (the 3rd): W2 (/old), W4 (/s), W5 (/a): 3 visits, 3 visitors, 3
    // pageviews, 3 events, all bounces, 0 s.
    assert.deepEqual(batch[0]?.comparison?.results, [{ dimensions: [], metrics: [3, 3, 3, 3, 100, 0] }]);
  });
}

describe('visits at the edges of a range, DuckDB (rollup)', () => {
  edgeContract(openFixture);

  it('reads visit metrics from the rollup, not from the events', async () => {
    const fx: Fixture = await openFixture(edgeEvents);
    try {
      // Remove W1's events behind the rollup's back: visit metrics still count W1 (the rollup
      // row), event metrics no longer see its pageviews. (W1 lies wholly inside the 4th.)
      const connection = await fx.instance.connect();
      await connection.run("DELETE FROM events WHERE session_id = 'w1'");
      connection.closeSync();
      const now = Date.parse('2026-03-10T12:00:00Z');
      const visits = await fx.engine.query(
        q({ dateRange: day4, metrics: ['visits', 'visitors'] }),
        siteAUtc,
        now,
      );
      assert.deepEqual(visits.results, [{ dimensions: [], metrics: [4, 3] }]);
      const pages = await fx.engine.query(
        q({
          dateRange: day4,
          metrics: ['pageviews'],
          dimensions: ['event:page'],
          orderBy: [{ key: 'event:page', direction: 'asc' }],
        }),
        siteAUtc,
        now,
      );
      assert.deepEqual(
        pages.results.map((row) => row.dimensions[0]),
        ['/c', '/d', '/m'],
      );
    } finally {
      await fx.close();
    }
  });
});

/**
 * On ClickHouse the rollup is bucketed (store/clickhouse/visit-buckets.ts): a materialized view
 * folds each insert into visit states per 15-minute bucket. Copies of W1's events inserted with
 * the view detached (as session w9) reach only the events table: visit metrics, read from the
 * rollup, still see 4 visits and 3 visitors; pageviews, read from events, see /a and /b twice.
 */
function readsTheBucketRollup(open: OpenFixture): void {
  it('reads visit metrics from the rollup, event metrics from the events', async () => {
    const fx = await open(edgeEvents);
    try {
      const ch = fx.clickHouse!;
      const columns = eventColumns.map(([name]) => name);
      const copied = columns.map((name) =>
        name === 'session_id'
          ? "'w9' AS session_id"
          : name === 'event_id' || name === 'row_key'
            ? `concat(${name}, '-copy') AS ${name}`
            : name,
      );
      // (The copy reads a subquery: an alias such as `'w9' AS session_id` would shadow the
      // column in a WHERE beside it.)
      await ch.exec(`DETACH TABLE ${ch.database}.visit_buckets_mv`);
      await ch.exec(
        `INSERT INTO ${ch.database}.events (${columns.join(', ')}) SELECT ${copied.join(', ')} FROM (SELECT * FROM ${ch.database}.events WHERE session_id = 'w1')`,
      );
      await ch.exec(`ATTACH TABLE ${ch.database}.visit_buckets_mv`);
      const now = Date.parse('2026-03-10T12:00:00Z');
      const visits = await fx.engine.query(
        q({ dateRange: day4, metrics: ['visits', 'visitors'] }),
        siteAUtc,
        now,
      );
      assert.deepEqual(visits.results, [{ dimensions: [], metrics: [4, 3] }]);
      const pages = await fx.engine.query(
        q({
          dateRange: day4,
          metrics: ['pageviews'],
          dimensions: ['event:page'],
          orderBy: [{ key: 'event:page', direction: 'asc' }],
        }),
        siteAUtc,
        now,
      );
      assert.deepEqual(pages.results, [
        { dimensions: ['/a'], metrics: [2] },
        { dimensions: ['/b'], metrics: [2] },
        { dimensions: ['/c'], metrics: [1] },
        { dimensions: ['/d'], metrics: [1] },
        { dimensions: ['/m'], metrics: [1] },
      ]);
      // A range not on 15-minute boundaries rebuilds visits from events, copies included:
      // 10:00-11:00:30 holds W1 and w9.
      const offGrid = await fx.engine.query(
        q({
          dateRange: {
            kind: 'instants',
            startMs: Date.parse('2026-03-04T10:00:00Z'),
            endMs: Date.parse('2026-03-04T11:00:30Z'),
          },
          metrics: ['visits'],
        }),
        siteAUtc,
        now,
      );
      assert.deepEqual(offGrid.results, [{ dimensions: [], metrics: [2] }]);
    } finally {
      await fx.close();
    }
  });
}

const clickHouse = clickHouseFixtures();
describe('visits at the edges of a range, ClickHouse', { skip: clickHouse.skip }, () => {
  edgeContract(clickHouse.open);
  readsTheBucketRollup(clickHouse.open);
  after(() => clickHouse.stop());
});

const chdb = chdbFixtures();
describe('visits at the edges of a range, ClickHouse 26 in process (chdb)', { skip: chdb.skip }, () => {
  edgeContract(chdb.open);
  readsTheBucketRollup(chdb.open);
  after(() => chdb.stop());
});
