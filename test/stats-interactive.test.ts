/**
 * Plausible's `interactive: false` (issue 20) in the stats engine, on every engine and every way
 * visits are read: a custom event sent as non-interactive does not end a bounce, and counts as an
 * event everywhere else (events, the event-name breakdown, goals and their conversion rate). The
 * visits come from the DuckDB rollup (straddlers rebuilt from events), from ClickHouse's buckets,
 * and rebuilt from events (`visit:referrer`, which no rollup keeps). Hand-computed.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Goal } from '../packages/server/src/goals/types.ts';
import type { EventRow } from '../packages/server/src/ingest/types.ts';
import type { StatsQuery, StatsResultRow } from '../packages/server/src/stats/index.ts';
import {
  describeOnEveryEngine,
  event,
  nowMs,
  type OpenFixture,
  q,
  type StatsFixture,
  siteAUtc,
} from './stats-fixture.ts';

const quiet = (row: EventRow): EventRow => ({ ...row, interactive: false });
const loud = (row: EventRow): EventRow => ({ ...row, interactive: true });

/**
 * 2026-03-04 (UTC): A = pageview + a non-interactive custom event (a bounce); B = pageview + an
 * interactive one (not a bounce); C = a pageview only (a bounce). Across midnight into 03-06: D =
 * pageview 23:50, then pageview + non-interactive custom; E = pageview 23:55, then pageview +
 * interactive custom.
 */
const events: EventRow[] = [
  event({ at: '2026-03-04T10:00:00Z', session: 'sa', visitor: 'va', path: '/' }),
  quiet(event({ at: '2026-03-04T10:01:00Z', session: 'sa', visitor: 'va', path: '/', name: 'Video played' })),
  event({ at: '2026-03-04T11:00:00Z', session: 'sb', visitor: 'vb', path: '/pricing' }),
  loud(event({ at: '2026-03-04T11:02:00Z', session: 'sb', visitor: 'vb', path: '/pricing', name: 'Signup' })),
  event({ at: '2026-03-04T12:00:00Z', session: 'sc', visitor: 'vc', path: '/' }),
  event({ at: '2026-03-05T23:50:00Z', session: 'sd', visitor: 'vd', path: '/x' }),
  event({ at: '2026-03-06T00:05:00Z', session: 'sd', visitor: 'vd', path: '/y' }),
  quiet(
    event({ at: '2026-03-06T00:06:00Z', session: 'sd', visitor: 'vd', path: '/y', name: 'Video played' }),
  ),
  event({ at: '2026-03-05T23:55:00Z', session: 'se', visitor: 've', path: '/x' }),
  event({ at: '2026-03-06T00:10:00Z', session: 'se', visitor: 've', path: '/z' }),
  // No `interactive` at all: a row as written before the flag existed, read as interactive.
  event({ at: '2026-03-06T00:11:00Z', session: 'se', visitor: 've', path: '/z', name: 'Signup' }),
];

const goals: Goal[] = [
  {
    id: 'g_video',
    siteId: siteAUtc.id,
    name: 'Watched',
    kind: 'event',
    eventName: 'Video played',
    pagePath: null,
    properties: [],
    currency: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  },
];

const day = (d: string) => ({ kind: 'custom', start: d, end: d }) as const;
const ask = (overrides: Partial<StatsQuery>) => q({ dateRange: day('2026-03-04'), ...overrides });
const totals = ['visits', 'pageviews', 'events', 'bounce_rate'] as const;
const byDimension = (rows: readonly StatsResultRow[]) =>
  [...rows].sort((a, b) => a.dimensions.join().localeCompare(b.dimensions.join()));

function contract(open: OpenFixture): void {
  let fx: StatsFixture;
  before(async () => {
    fx = await open(events, { goals });
  });
  after(() => fx.close());

  const queries = {
    // 3 visits, 3 pageviews, 5 events; A and C bounce: 2/3 = 66.7 %, rounded 67.
    totals: ask({ metrics: [...totals] }),
    // Per entry page: / = A and C (both bounces), /pricing = B.
    entry: ask({ metrics: ['visits', 'bounce_rate'], dimensions: ['visit:entry_page'] }),
    // Rebuilt from events (no rollup keeps the full referrer): all three are direct.
    referrer: ask({ metrics: ['visits', 'events', 'bounce_rate'], dimensions: ['visit:referrer'] }),
    // Both custom events are events of their own name.
    names: ask({ metrics: ['visitors', 'events'], dimensions: ['event:name'] }),
    // The non-interactive event still converts: 1 of 3 visitors.
    goal: ask({ metrics: ['visitors', 'events', 'conversion_rate'], dimensions: ['event:goal'] }),
    // 03-06 alone: D (1 pageview + non-interactive) bounces, E (1 pageview + interactive) does not.
    edge: q({ dateRange: day('2026-03-06'), metrics: [...totals] }),
    // 03-05..03-06: D and E have 2 pageviews each, neither bounces.
    both: q({ dateRange: { kind: 'custom', start: '2026-03-05', end: '2026-03-06' }, metrics: [...totals] }),
  };

  it('a non-interactive custom event leaves a bounce a bounce, and is still an event', async () => {
    const answer = await fx.engine.query(queries.totals, siteAUtc, nowMs);
    assert.deepEqual(answer.results, [{ dimensions: [], metrics: [3, 3, 5, 67] }]);
    const entry = await fx.engine.query(queries.entry, siteAUtc, nowMs);
    assert.deepEqual(byDimension(entry.results), [
      { dimensions: ['/'], metrics: [2, 100] },
      { dimensions: ['/pricing'], metrics: [1, 0] },
    ]);
  });

  it('visits rebuilt from events answer the same', async () => {
    const answer = await fx.engine.query(queries.referrer, siteAUtc, nowMs);
    assert.deepEqual(answer.results, [{ dimensions: ['(none)'], metrics: [3, 5, 67] }]);
  });

  it('the event-name breakdown and goals count the non-interactive event', async () => {
    const names = await fx.engine.query(queries.names, siteAUtc, nowMs);
    assert.deepEqual(byDimension(names.results), [
      { dimensions: ['pageview'], metrics: [3, 3] },
      { dimensions: ['Signup'], metrics: [1, 1] },
      { dimensions: ['Video played'], metrics: [1, 1] },
    ]);
    const goal = await fx.engine.query(queries.goal, siteAUtc, nowMs);
    assert.deepEqual(goal.results, [{ dimensions: ['Watched'], metrics: [1, 1, 33.33] }]);
  });

  it('visits across the range edge count their in-range events, the flag included', async () => {
    const edge = await fx.engine.query(queries.edge, siteAUtc, nowMs);
    // D and E: 2 visits, 2 pageviews, 4 events, D bounces: 50 %.
    assert.deepEqual(edge.results, [{ dimensions: [], metrics: [2, 2, 4, 50] }]);
    const both = await fx.engine.query(queries.both, siteAUtc, nowMs);
    assert.deepEqual(both.results, [{ dimensions: [], metrics: [2, 4, 6, 0] }]);
  });

  it('a batch answers as one by one', async () => {
    const list = Object.values(queries);
    const single = await Promise.all(list.map((query) => fx.engine.query(query, siteAUtc, nowMs)));
    assert.deepEqual(await fx.engine.queryMany(list, siteAUtc, nowMs), single);
  });
}

describeOnEveryEngine('interactive: false', contract);
