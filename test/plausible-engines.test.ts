/**
 * What the engine gained for Plausible's API, on every engine: `visit:referrer` (the
 * entry referrer as Plausible writes it; the rollups do not keep it, so visits are rebuilt from
 * events for it), `visit:entry_page_hostname` and the behavioural filters (has_done,
 * has_not_done), one by one and in a batch. Hand-computed.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { EventRow } from '../packages/server/src/ingest/types.ts';
import {
  describeOnEveryEngine,
  nowMs,
  type OpenFixture,
  q,
  type StatsFixture,
  siteA,
} from './stats-fixture.ts';
import { event } from './stats-fixture-events.ts';

const referred = (row: EventRow, referrer: string, referrerHost: string): EventRow => ({
  ...row,
  referrer,
  referrerHost,
});

// Site A's week (Berlin): r1 came from a Google search, entered on example.com, went on to the
// blog host; r2 entered on the blog host from Hacker News; r3 came from nowhere.
const events: EventRow[] = [
  referred(
    event({ at: '2026-03-03T10:00:00Z', session: 'r1', visitor: 'u1', path: '/' }),
    'https://www.google.com/search?q=1',
    'google.com',
  ),
  event({ at: '2026-03-03T10:05:00Z', session: 'r1', visitor: 'u1', path: '/x', host: 'blog.example.com' }),
  referred(
    event({ at: '2026-03-04T10:00:00Z', session: 'r2', visitor: 'u2', path: '/y', host: 'blog.example.com' }),
    'https://news.ycombinator.com/item/?id=5#top',
    'news.ycombinator.com',
  ),
  event({ at: '2026-03-05T10:00:00Z', session: 'r3', visitor: 'u3', path: '/' }),
];

function contract(open: OpenFixture): void {
  let fx: StatsFixture;
  before(async () => {
    fx = await open(events);
  });
  after(() => fx.close());

  const byReferrer = q({ metrics: ['visits', 'bounce_rate'], dimensions: ['visit:referrer'] });
  const byEntryHost = q({ metrics: ['visits'], dimensions: ['visit:entry_page_hostname'] });
  const byExitHost = q({ metrics: ['visits'], dimensions: ['visit:exit_page_hostname'] });
  const fromGoogle = q({
    metrics: ['visitors', 'pageviews'],
    filters: [{ op: 'contains', dimension: 'visit:referrer', values: ['google'] }],
  });

  it('visit:referrer is host and path, without www., query, fragment or trailing slash', async () => {
    const answer = await fx.engine.query(byReferrer, siteA, nowMs);
    assert.deepEqual(answer.results, [
      { dimensions: ['(none)'], metrics: [1, 100] },
      { dimensions: ['google.com/search'], metrics: [1, 0] },
      { dimensions: ['news.ycombinator.com/item'], metrics: [1, 100] },
    ]);
    // r1's two pageviews.
    assert.deepEqual((await fx.engine.query(fromGoogle, siteA, nowMs)).results, [
      { dimensions: [], metrics: [1, 2] },
    ]);
  });

  it('visit:entry_page_hostname / exit_page_hostname: the hostname of the first event / last pageview', async () => {
    assert.deepEqual((await fx.engine.query(byEntryHost, siteA, nowMs)).results, [
      { dimensions: ['example.com'], metrics: [2] },
      { dimensions: ['blog.example.com'], metrics: [1] },
    ]);
    // r1 left from the blog host, r2 stayed there, r3 on example.com.
    assert.deepEqual((await fx.engine.query(byExitHost, siteA, nowMs)).results, [
      { dimensions: ['blog.example.com'], metrics: [2] },
      { dimensions: ['example.com'], metrics: [1] },
    ]);
  });

  it('a batch answers as one by one', async () => {
    const queries = [
      byReferrer,
      byEntryHost,
      byExitHost,
      fromGoogle,
      q({ metrics: ['visits'], dimensions: ['visit:source'] }),
    ];
    const single = await Promise.all(queries.map((query) => fx.engine.query(query, siteA, nowMs)));
    assert.deepEqual(await fx.engine.queryMany(queries, siteA, nowMs), single);
  });
}

describeOnEveryEngine('', contract);
