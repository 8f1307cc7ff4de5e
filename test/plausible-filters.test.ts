/**
 * Filters on POST /api/v2/query as Plausible's reference describes them, over
 * test/plausible-fixture.ts (7d = 2026-03-03..03-09: visits s1–s4 unless said otherwise).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type PlausibleReply, plausibleQuery, rows } from './plausible-client.ts';
import { type PlausibleFixture, startPlausibleFixture } from './plausible-fixture.ts';
import { stopAndRemove } from './support/test-server.ts';

let fx: PlausibleFixture;
before(async () => {
  fx = await startPlausibleFixture();
});
after(() => stopAndRemove(fx.server));

const ask = (query: Record<string, unknown>): Promise<PlausibleReply> =>
  plausibleQuery(fx.server.url, fx.key, { site_id: 'dummy.site', date_range: '7d', ...query });

const total = async (metric: string, filters: unknown[], range = '7d'): Promise<unknown> =>
  rows(await ask({ metrics: [metric], filters, date_range: range }))[0]?.[0];

test('is and is_not on a visit field', async () => {
  assert.equal(await total('visits', [['is', 'visit:country', ['US']]]), 2); // s1, s3
  assert.equal(await total('visitors', [['is_not', 'visit:country', ['US']]]), 2); // B, C
  assert.equal(await total('visitors', [['is', 'visit:country', ['US', 'GB']]]), 2); // A, C
});

test('contains is case-sensitive unless case_sensitive is false', async () => {
  assert.equal(await total('pageviews', [['contains', 'event:page', ['BLOG']]]), 0);
  assert.equal(
    await total('pageviews', [['contains', 'event:page', ['BLOG'], { case_sensitive: false }]]),
    2,
  );
  assert.equal(await total('pageviews', [['is', 'event:page', ['/PRICING']]]), 0);
  assert.equal(await total('pageviews', [['is', 'event:page', ['/PRICING'], { case_sensitive: false }]]), 1);
  assert.equal(
    await total('pageviews', [['contains_not', 'event:page', ['BLOG'], { case_sensitive: false }]]),
    3,
  );
});

test('matches and matches_not are regular expressions, run in linear time', async () => {
  assert.equal(await total('pageviews', [['matches', 'event:page', ['^/blog/']]]), 2);
  assert.equal(await total('pageviews', [['matches_not', 'event:page', ['^/blog/']]]), 3);
  assert.equal(await total('pageviews', [['matches', 'event:page', ['^/PR'], { case_sensitive: false }]]), 1);
  // A pattern that backtracks catastrophically in a backtracking engine answers at once here.
  const started = performance.now();
  assert.equal(await total('pageviews', [['matches', 'event:page', ['^(/|[a-z]+)+$x']]]), 0);
  assert.ok(performance.now() - started < 2_000);
});

test('is_not and contains_not on a custom property skip events without the property', async () => {
  // With plan: the pro Signup (s1) and the free one (s3); 6 other events have none.
  assert.equal(await total('events', [['is_not', 'event:props:plan', ['free']]]), 1);
  assert.equal(await total('events', [['contains_not', 'event:props:plan', ['fr']]]), 1);
  // "not (plan is free)" is every event but that one, as Plausible's not reads.
  assert.equal(await total('events', [['not', ['is', 'event:props:plan', ['free']]]]), 7);
  assert.equal(await total('events', [['is', 'event:props:plan', ['(none)']]]), 6);
});

test('and, or and not combine filters', async () => {
  assert.equal(
    await total('visitors', [
      [
        'or',
        [
          ['is', 'visit:country', ['AU']],
          ['is', 'visit:country', ['GB']],
        ],
      ],
    ]),
    2,
  );
  assert.equal(
    await total('pageviews', [
      [
        'and',
        [
          ['is', 'visit:country', ['US']],
          ['not', ['is', 'event:page', ['/']]],
        ],
      ],
    ]),
    1, // A's /blog/one in s1
  );
});

test('visit:country_name filters by name; blank and (not set) mean no country', async () => {
  assert.equal(await total('visits', [['is', 'visit:country_name', ['United States']]]), 2);
  assert.equal(await total('visits', [['contains', 'visit:country_name', ['United']]]), 3); // US + GB
  assert.equal(
    await total('visits', [['is', 'visit:country_name', ['united states'], { case_sensitive: false }]]),
    2,
  );
  // March: s1–s5, s5 (visitor D) without a country.
  assert.equal(await total('visits', [['is_not', 'visit:country_name', ['']]], 'month'), 4);
  assert.equal(await total('visitors', [['is', 'visit:country_name', ['(not set)']]], 'month'), 1);
  assert.equal(await total('visitors', [['is', 'visit:country', ['(not set)']]], 'month'), 1);
});

test('event:goal and event:name filters', async () => {
  assert.deepEqual(
    rows(await ask({ metrics: ['visitors', 'events'], filters: [['is', 'event:goal', ['Signup']]] })),
    [[1, 2]],
  );
  assert.deepEqual(
    rows(await ask({ metrics: ['visitors', 'events'], filters: [['is', 'event:name', ['Purchase']]] })),
    [[1, 1]],
  );
});

test('a hostname filter reads the entry hostname when visit fields are grouped', async () => {
  // s1 entered on dummy.site and went on to blog.dummy.site: no visit entered on the blog host.
  const bySource = await ask({
    metrics: ['visitors'],
    dimensions: ['visit:source'],
    filters: [['is', 'event:hostname', ['blog.dummy.site']]],
  });
  assert.deepEqual(rows(bySource), []);
  const entered = await ask({
    metrics: ['visitors'],
    dimensions: ['visit:source'],
    filters: [['is', 'event:hostname', ['dummy.site']]],
  });
  assert.deepEqual(rows(entered), [
    ['Direct / None', 2],
    ['Google', 1],
    ['Hacker News', 1],
  ]);
  // Without visit fields it is the event's hostname: the blog pageview of s1.
  assert.equal(await total('pageviews', [['is', 'event:hostname', ['blog.dummy.site']]]), 1);
  const byPage = await ask({
    metrics: ['pageviews'],
    dimensions: ['event:page'],
    filters: [['is', 'event:hostname', ['blog.dummy.site']]],
  });
  assert.deepEqual(rows(byPage), [['/blog/one', 1]]);
});

test('has_done and has_not_done: the visits with or without such an event, all their events', async () => {
  // Signup in s1 (Google, 120 s) and s3 (Direct, 30 s), both A's, neither a bounce.
  const signedUp = [['has_done', ['is', 'event:name', ['Signup']]]];
  assert.deepEqual(
    rows(
      await ask({
        metrics: ['visitors', 'visits', 'bounce_rate', 'visit_duration'],
        dimensions: ['visit:source'],
        filters: signedUp,
      }),
    ),
    [
      ['Direct / None', 1, 1, 0, 30],
      ['Google', 1, 1, 0, 120],
    ],
  );
  // Every event of s1 (2 pageviews of 3 events) and s3 (1 of 2), not only the Signups.
  assert.deepEqual(rows(await ask({ metrics: ['pageviews', 'events'], filters: signedUp })), [[3, 5]]);
  assert.deepEqual(
    rows(await ask({ metrics: ['pageviews'], dimensions: ['event:page'], filters: signedUp })),
    [
      ['/', 2],
      ['/blog/one', 1],
    ],
  );
  // s2 and s4 did not sign up: one pageview each.
  assert.deepEqual(
    rows(
      await ask({
        metrics: ['visits', 'pageviews'],
        filters: [['has_not_done', ['is', 'event:name', ['Signup']]]],
      }),
    ),
    [[2, 2]],
  );
  // Visits that viewed /blog/one: s1 and s2, whatever page they entered on (one bounce of two).
  assert.deepEqual(
    rows(
      await ask({
        metrics: ['visits', 'bounce_rate'],
        filters: [['has_done', ['is', 'event:page', ['/blog/one']]]],
      }),
    ),
    [[2, 50]],
  );
  const onVisit = await ask({
    metrics: ['visits'],
    filters: [['has_done', ['is', 'visit:country', ['US']]]],
  });
  assert.equal(onVisit.status, 400);
  assert.ok(
    onVisit.body.error.includes('has_done') && onVisit.body.error.includes('event'),
    onVisit.body.error,
  );
});
