/**
 * The stats engine against real DuckDB (and ClickHouse, when installed) on the fixed fixture; every
 * expected number is worked out by hand from the visit list in stats-fixture-events.ts (the comments
 * show the arithmetic). The breakdowns by dimension are in stats-engine-dimensions.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { overviewQueries, type StatsQueryError } from '../packages/server/src/stats/index.ts';
import { dimensionsContract, table } from './stats-engine-dimensions.ts';
import {
  describeOnEveryEngine,
  nowMs,
  type OpenFixture,
  q,
  type StatsFixture,
  siteA,
  siteAUtc,
  week,
} from './stats-fixture.ts';

/** The whole file is one contract, run on each backend with the same fixture and assertions. */
function statsEngineContract(open: OpenFixture): void {
  let fx: StatsFixture;
  before(async () => {
    fx = await open();
  });
  after(() => fx.close());

  describe('top stats over the Berlin week', () => {
    it('computes every visit metric', async () => {
      const res = await fx.engine.query(
        q({
          metrics: [
            'visitors',
            'visits',
            'pageviews',
            'views_per_visit',
            'bounce_rate',
            'visit_duration',
            'events',
          ],
        }),
        siteA,
        nowMs,
      );
      // visits V0..V7 = 8; visitors u8,u1,u2,u3,u4,u5,u6 = 7; pageviews 1+2+1+1+2+1+0+1 = 9;
      // 9/8 = 1.125 -> 1.13; bounces V0,V2,V7 = 3/8 = 37.5% -> 38;
      // durations 0+300+0+120+1800+10+0+0 = 2230 / 8 = 278.75 -> 279; events 1+3+1+3+2+2+1+1 = 14
      assert.deepEqual(res.results, [{ dimensions: [], metrics: [7, 8, 9, 1.13, 38, 279, 14] }]);
      assert.equal(res.meta.timezone, 'Europe/Berlin');
      assert.deepEqual(res.meta.date_range, { start: '2026-03-02', end: '2026-03-08' });
      assert.deepEqual(res.query.date_range, ['2026-03-02T00:00:00+01:00', '2026-03-08T23:59:59+01:00']);
      assert.equal(res.meta.total_rows, 1);
    });

    it('moves the day boundary with the time zone', async () => {
      // UTC week: V0 (March 1 23:30 UTC) drops out, V8 (March 8 23:30 UTC, u2 again) comes in.
      const res = await fx.engine.query(q({ metrics: ['visitors', 'visits', 'pageviews'] }), siteAUtc, nowMs);
      assert.deepEqual(res.results[0]?.metrics, [6, 8, 9]);
    });

    it('answers an empty range with zeros', async () => {
      const res = await fx.engine.query(
        q({
          dateRange: { kind: 'custom', start: '2025-01-01', end: '2025-01-02' },
          metrics: ['visitors', 'bounce_rate', 'visit_duration', 'views_per_visit'],
        }),
        siteA,
        nowMs,
      );
      assert.deepEqual(res.results, [{ dimensions: [], metrics: [0, 0, 0, 0] }]);
    });
  });

  dimensionsContract(() => fx);

  describe('time buckets in the site time zone', () => {
    it('time:day in Berlin, with a visit across midnight counted on both days', async () => {
      const res = await fx.engine.query(
        q({
          dimensions: ['time:day'],
          metrics: ['visitors', 'visits', 'pageviews', 'bounce_rate', 'visit_duration'],
        }),
        siteA,
        nowMs,
      );
      assert.deepEqual(table(res), {
        '2026-03-02': [1, 1, 1, 100, 0], // V0 at 00:30
        '2026-03-03': [2, 2, 3, 50, 150], // V1 (300 s), V2 (bounce)
        '2026-03-04': [1, 1, 1, 0, 120],
        '2026-03-05': [1, 1, 1, 0, 1800], // V4's first pageview at 23:50; the visit lasts 1800 s
        '2026-03-06': [2, 2, 2, 0, 905], // V4's second pageview at 00:20, V5 (10 s)
        '2026-03-07': [1, 1, 0, 0, 0],
        '2026-03-08': [1, 1, 1, 100, 0],
      });
      assert.deepEqual(res.meta.time_labels, [
        '2026-03-02',
        '2026-03-03',
        '2026-03-04',
        '2026-03-05',
        '2026-03-06',
        '2026-03-07',
        '2026-03-08',
      ]);
    });

    it('time:day in UTC puts the midnight visit on one day', async () => {
      const res = await fx.engine.query(
        q({ dimensions: ['time:day'], metrics: ['pageviews'] }),
        siteAUtc,
        nowMs,
      );
      assert.deepEqual(table(res), {
        '2026-03-03': [3],
        '2026-03-04': [1],
        '2026-03-05': [2], // both of V4's pageviews
        '2026-03-06': [1],
        '2026-03-07': [0],
        '2026-03-08': [2], // V7 and V8
      });
    });

    it('a DST day has 23 hours and its edges are exact', async () => {
      const dst = { kind: 'custom', start: '2026-03-29', end: '2026-03-29' } as const;
      const hours = await fx.engine.query(q({ dateRange: dst, dimensions: ['time:hour'] }), siteA, nowMs);
      assert.deepEqual(table(hours), {
        '2026-03-29 00:00:00': [1], // 23:00 UTC the day before
        '2026-03-29 03:00:00': [1], // 01:30 UTC, just after the jump
        '2026-03-29 23:00:00': [1], // 21:59 UTC
      });
      const labels = hours.meta.time_labels ?? [];
      assert.equal(labels.length, 23);
      assert.ok(!labels.includes('2026-03-29 02:00:00'));
      const day = await fx.engine.query(q({ dateRange: dst, metrics: ['visitors'] }), siteA, nowMs);
      assert.deepEqual(day.results[0]?.metrics, [3]);
      assert.deepEqual(day.query.date_range, ['2026-03-29T00:00:00+01:00', '2026-03-29T23:59:59+02:00']);
    });

    it('time:week starts on Monday and time:month on the 1st', async () => {
      const weeks = await fx.engine.query(
        q({ dimensions: ['time:week'], metrics: ['visits'] }),
        siteA,
        nowMs,
      );
      assert.deepEqual(table(weeks), { '2026-03-02': [8] });
      const months = await fx.engine.query(
        q({
          dateRange: { kind: 'custom', start: '2026-02-20', end: '2026-03-31' },
          dimensions: ['time:month'],
          metrics: ['visits'],
        }),
        siteA,
        nowMs,
      );
      // February (Berlin): P1. March: P2, V0..V8 (9 visits) and the five DST-test visits d1..d5.
      assert.deepEqual(table(months), { '2026-02-01': [1], '2026-03-01': [15] });
    });
  });

  describe('filters', () => {
    const visitors = async (filters: unknown[], metrics = ['visitors', 'visits']) =>
      (await fx.engine.query(q({ filters: filters as never, metrics: metrics as never }), siteA, nowMs))
        .results[0]?.metrics;

    it('is / is_not on visit dimensions', async () => {
      assert.deepEqual(
        await visitors(
          [{ op: 'is', dimension: 'visit:country', values: ['DE'] }],
          ['visitors', 'visits', 'pageviews'],
        ),
        [1, 2, 3],
      );
      // not DE, not US: V0, V4, V5, V6
      assert.deepEqual(
        await visitors([{ op: 'is_not', dimension: 'visit:country', values: ['DE', 'US'] }]),
        [4, 4],
      );
    });

    it('contains / contains_not are case-insensitive substring tests', async () => {
      // /blog/post-1 (V2, V7) and /blog/post-2 (V6)
      assert.deepEqual(
        await visitors(
          [{ op: 'contains', dimension: 'event:page', values: ['BLOG'] }],
          ['visitors', 'pageviews', 'events'],
        ),
        [3, 2, 3],
      );
      // events elsewhere: V0, V1, V3, V4, V5 by u8, u1, u3, u4
      assert.deepEqual(
        await visitors([{ op: 'contains_not', dimension: 'event:page', values: ['blog'] }]),
        [4, 5],
      );
    });

    it('or, and, not', async () => {
      const edgeOrIos = {
        op: 'or',
        filters: [
          { op: 'is', dimension: 'visit:browser', values: ['Edge'] },
          { op: 'is', dimension: 'visit:os', values: ['iOS'] },
        ],
      };
      assert.deepEqual(await visitors([edgeOrIos]), [2, 2]);
      const desktopNotGoogle = {
        op: 'and',
        filters: [
          { op: 'is', dimension: 'visit:device', values: ['desktop'] },
          { op: 'not', filter: { op: 'is', dimension: 'visit:source', values: ['Google'] } },
        ],
      };
      assert.deepEqual(await visitors([desktopNotGoogle]), [4, 4]); // V0, V3, V4, V7
    });

    it('event and visit conditions together', async () => {
      assert.deepEqual(
        await visitors([
          { op: 'is', dimension: 'event:name', values: ['Signup'] },
          { op: 'is', dimension: 'visit:channel', values: ['Paid'] },
        ]),
        [1, 1],
      );
      assert.deepEqual(
        await visitors(
          [{ op: 'is', dimension: 'event:props:plan', values: ['pro'] }],
          ['visitors', 'events'],
        ),
        [1, 1],
      );
      // filtering on a (none) label matches events without the property
      assert.deepEqual(
        await visitors([{ op: 'is', dimension: 'event:props:plan', values: ['(none)'] }], ['events']),
        [12],
      );
    });

    it('bounce and duration over the visits that match', async () => {
      // visits with a /blog event: V2 (bounce, 0 s), V6 (custom only: no bounce, 0 s), V7 (bounce, 0 s)
      assert.deepEqual(
        await visitors(
          [{ op: 'contains', dimension: 'event:page', values: ['/blog'] }],
          ['bounce_rate', 'visit_duration'],
        ),
        [67, 0],
      );
      // V4 only: the midnight visit, two pageviews, 1800 s
      assert.deepEqual(
        await visitors(
          [{ op: 'is', dimension: 'visit:country', values: ['FR'] }],
          ['bounce_rate', 'visit_duration', 'views_per_visit'],
        ),
        [0, 1800, 2],
      );
    });
  });

  describe('previous-period comparison', () => {
    it('compares top stats with the week before', async () => {
      const res = await fx.engine.query(
        q({
          metrics: ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'],
          compare: 'previous_period',
        }),
        siteA,
        nowMs,
      );
      // previous week: P1 (u1, bounce, 0 s), P2 (u7, 2 pageviews, 30 s)
      assert.deepEqual(res.meta.comparison_date_range, { start: '2026-02-23', end: '2026-03-01' });
      assert.deepEqual(res.results[0]?.comparison, {
        dimensions: [],
        metrics: [2, 2, 3, 1.5, 50, 15],
        // (7-2)/2, (8-2)/2, (9-3)/3, (1.13-1.5)/1.5, 38-50 points, (279-15)/15
        change: [250, 300, 200, -25, -12, 1760],
      });
      assert.deepEqual(res.comparison?.results, [{ dimensions: [], metrics: [2, 2, 3, 1.5, 50, 15] }]);
    });

    it('matches breakdown rows by value and time buckets by position', async () => {
      const sources = await fx.engine.query(
        q({ dimensions: ['visit:source'], compare: 'previous_period' }),
        siteA,
        nowMs,
      );
      const google = sources.results.find((r) => r.dimensions[0] === 'Google');
      assert.deepEqual(google?.comparison, { dimensions: ['Google'], metrics: [1], change: [100] });
      const twitter = sources.results.find((r) => r.dimensions[0] === 'Twitter');
      assert.deepEqual(twitter?.comparison, { dimensions: ['Twitter'], metrics: [0], change: [100] });

      const days = await fx.engine.query(
        q({ dimensions: ['time:day'], metrics: ['pageviews'], compare: 'previous_period' }),
        siteA,
        nowMs,
      );
      const sunday = days.results.find((r) => r.dimensions[0] === '2026-03-08');
      assert.deepEqual(sunday?.comparison, { dimensions: ['2026-03-01'], metrics: [2], change: [-50] });
      const wednesday = days.results.find((r) => r.dimensions[0] === '2026-03-04');
      assert.deepEqual(wednesday?.comparison, { dimensions: ['2026-02-25'], metrics: [1], change: [0] });
    });
  });

  describe('date presets', () => {
    it('7d ends today in the site zone', async () => {
      // now = 2026-03-10 13:00 Berlin: 7d = March 4..10: V3, V4, V5, V6, V7, V8 (March 9 in Berlin)
      const res = await fx.engine.query(
        q({ dateRange: { kind: 'preset', preset: '7d' }, metrics: ['visits'] }),
        siteA,
        nowMs,
      );
      assert.deepEqual(res.meta.date_range, { start: '2026-03-04', end: '2026-03-10' });
      assert.deepEqual(res.results[0]?.metrics, [6]);
    });

    it('24h is the rolling day before now', async () => {
      const res = await fx.engine.query(
        q({ dateRange: { kind: 'preset', preset: '24h' }, metrics: ['visits'] }),
        siteA,
        Date.parse('2026-03-09T10:00:00Z'),
      );
      assert.deepEqual(res.results[0]?.metrics, [2]); // V7 (20:00) and V8 (23:30) on March 8 UTC
    });
  });

  describe('queryMany', () => {
    it('answers a batch exactly as one query at a time', async () => {
      const overview = Object.values(overviewQueries(siteA.id, week, [], { panelLimit: 3 }));
      const extra = [
        q({ dimensions: ['event:name'], metrics: ['visitors', 'conversion_rate', 'revenue'] }),
        q({
          dimensions: ['event:props:plan'],
          filters: [{ op: 'contains', dimension: 'visit:source', values: ['goo'] }],
        }),
        q({ dimensions: ['time:hour'], metrics: ['visits', 'bounce_rate'], compare: 'previous_period' }),
        q({ dateRange: { kind: 'preset', preset: '7d' }, dimensions: ['visit:channel'] }),
      ];
      const queries = [...overview, ...extra];
      const batch = await fx.engine.queryMany(queries, siteA, nowMs);
      const single = await Promise.all(queries.map((query) => fx.engine.query(query, siteA, nowMs)));
      assert.deepEqual(batch, single);
      assert.deepEqual(batch[0]?.results[0]?.metrics, [7, 8, 9, 1.13, 38, 279]); // top stats, as above
    });

    it('names the query of a validation error', async () => {
      await assert.rejects(
        fx.engine.queryMany([q(), q({ metrics: [] })], siteA, nowMs),
        (error: StatsQueryError) => error.fields.some((f) => f.field === '[1].metrics'),
      );
    });
  });
}

describeOnEveryEngine('', statsEngineContract);
