/**
 * Goals, conversion rate and revenue in the goal's currency, on DuckDB and on ClickHouse with the
 * same events and the same hand-computed answers. Six visits in the Berlin week of 2026-03-02:
 *   V1 v1 google   /pricing, Signup{plan: pro}, /checkout/step-1, Purchase 99.99 USD   (Tue 03-03)
 *   V2 v2 direct   /, Purchase 50.00 EUR                                              (Wed 03-04)
 *   V3 v3 twitter  /checkout/step-2, Purchase 20.00 EUR                               (Sat 03-07)
 *   V4 v4 direct   /, Purchase 30.00 CHF (no CHF rate: unconverted)                   (Thu 03-05)
 *   V5 v5 google   /pricing                                                           (Thu 03-05)
 *   V6 v6 direct   /, Signup{plan: free}                                              (Fri 03-06)
 * Rates (units per EUR): USD 1.07 on 03-03, 1.08 on 03-04, 1.09 on 03-06 and (carried) 03-07.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Goal } from '../packages/server/src/goals/types.ts';
import type { StatsQueryError } from '../packages/server/src/stats/index.ts';
import {
  describeOnEveryEngine,
  event,
  nowMs,
  type OpenFixture,
  q,
  type StatsFixture,
  siteA,
} from './stats-fixture.ts';

const google = 'www.google.com';
const events = [
  event({ at: '2026-03-03T10:00:00Z', session: 'g1', visitor: 'v1', path: '/pricing', ref: google }),
  event({ at: '2026-03-03T10:05:00Z', session: 'g1', visitor: 'v1', name: 'Signup', props: { plan: 'pro' } }),
  event({ at: '2026-03-03T10:06:00Z', session: 'g1', visitor: 'v1', path: '/checkout/step-1' }),
  event({
    at: '2026-03-03T10:10:00Z',
    session: 'g1',
    visitor: 'v1',
    name: 'Purchase',
    props: { order_id: 'o1' },
    revenue: ['999900', 'USD'],
  }),
  event({ at: '2026-03-04T09:00:00Z', session: 'g2', visitor: 'v2', path: '/' }),
  event({
    at: '2026-03-04T09:10:00Z',
    session: 'g2',
    visitor: 'v2',
    name: 'Purchase',
    revenue: ['500000', 'EUR'],
  }),
  event({
    at: '2026-03-07T12:00:00Z',
    session: 'g3',
    visitor: 'v3',
    path: '/checkout/step-2',
    ref: 'twitter.com',
  }),
  event({
    at: '2026-03-07T12:05:00Z',
    session: 'g3',
    visitor: 'v3',
    name: 'Purchase',
    revenue: ['200000', 'EUR'],
  }),
  event({ at: '2026-03-05T08:00:00Z', session: 'g4', visitor: 'v4', path: '/' }),
  event({
    at: '2026-03-05T08:01:00Z',
    session: 'g4',
    visitor: 'v4',
    name: 'Purchase',
    revenue: ['300000', 'CHF'],
  }),
  event({ at: '2026-03-05T11:00:00Z', session: 'g5', visitor: 'v5', path: '/pricing', ref: google }),
  event({ at: '2026-03-06T10:00:00Z', session: 'g6', visitor: 'v6', path: '/' }),
  event({
    at: '2026-03-06T10:01:00Z',
    session: 'g6',
    visitor: 'v6',
    name: 'Signup',
    props: { plan: 'free' },
  }),
];

const goal = (id: string, fields: Partial<Goal> & Pick<Goal, 'name' | 'kind'>): Goal => ({
  id,
  siteId: siteA.id,
  eventName: null,
  pagePath: null,
  properties: [],
  currency: null,
  createdAt: '2026-03-01T00:00:00.000Z',
  ...fields,
});

const goals: Goal[] = [
  goal('g_usd', { name: 'Purchase USD', kind: 'event', eventName: 'Purchase', currency: 'USD' }),
  goal('g_eur', { name: 'Purchase EUR', kind: 'event', eventName: 'Purchase', currency: 'EUR' }),
  goal('g_pro', {
    name: 'Signup Pro',
    kind: 'event',
    eventName: 'Signup',
    properties: [{ key: 'plan', value: 'pro' }],
  }),
  goal('g_checkout', { name: 'Checkout page', kind: 'page', pagePath: '/checkout/*' }),
  // Another site's goal of the same name never applies here.
  { ...goal('g_other', { name: 'Signup Pro', kind: 'event', eventName: 'Signup' }), siteId: 'site-b' },
];

const fxRows = [
  ...['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08'].map(
    (day) => ({ day, currency: 'EUR', perEur: 1 }),
  ),
  { day: '2026-03-03', currency: 'USD', perEur: 1.07 },
  { day: '2026-03-04', currency: 'USD', perEur: 1.08 },
  { day: '2026-03-06', currency: 'USD', perEur: 1.09 },
  { day: '2026-03-07', currency: 'USD', perEur: 1.09 },
];

const chfUnconverted = [{ currency: 'CHF', value: '30.00', events: 1 }];

function goalsContract(open: OpenFixture): void {
  let fx: StatsFixture;
  before(async () => {
    fx = await open(events, { goals, fx: fxRows });
  });
  after(() => fx.close());

  it('breaks conversions down by goal, revenue in each goal currency', async () => {
    const res = await fx.engine.query(
      q({ dimensions: ['event:goal'], metrics: ['visitors', 'events', 'conversion_rate', 'total_revenue'] }),
      siteA,
      nowMs,
    );
    // All visitors: v1..v6 = 6. Purchases: v1..v4 = 4 of 6 = 66.67 %.
    // In USD: 99.99 + 50 × 1.08 + 20 × 1.09 = 99.99 + 54.00 + 21.80 = 175.79; 30 CHF has no rate.
    // In EUR: 99.99 / 1.07 = 93.4486 (934485.98 ten-thousandths, rounded) + 50 + 20 = 163.4486.
    // Checkout page: /checkout/step-1 (v1), /checkout/step-2 (v3) = 2 = 33.33 %; Signup Pro v1 = 16.67 %.
    assert.deepEqual(
      res.results.map((row) => [row.dimensions, row.metrics]),
      [
        [
          ['Purchase EUR'],
          [4, 4, 66.67, { value: '163.4486', currency: 'EUR', unconverted: chfUnconverted }],
        ],
        [['Purchase USD'], [4, 4, 66.67, { value: '175.79', currency: 'USD', unconverted: chfUnconverted }]],
        [['Checkout page'], [2, 2, 33.33, null]],
        [['Signup Pro'], [1, 1, 16.67, null]],
      ],
    );
  });

  it('filters by a goal: revenue by source, with the unconverted amount reported', async () => {
    const res = await fx.engine.query(
      q({
        dimensions: ['visit:source'],
        metrics: ['visitors', 'total_revenue', 'average_revenue'],
        filters: [{ op: 'is', dimension: 'event:goal', values: ['Purchase USD'] }],
      }),
      siteA,
      nowMs,
    );
    // Direct: v2 (54.00 USD) and v4 (30 CHF, unconverted; average over the one converted = 54.00).
    // Google: v1 99.99. Twitter: v3 21.80.
    assert.deepEqual(
      res.results.map((row) => [row.dimensions, row.metrics]),
      [
        [
          ['Direct / None'],
          [
            2,
            { value: '54.00', currency: 'USD', unconverted: chfUnconverted },
            { value: '54.00', currency: 'USD', unconverted: chfUnconverted },
          ],
        ],
        [['Google'], [1, { value: '99.99', currency: 'USD' }, { value: '99.99', currency: 'USD' }]],
        [['Twitter'], [1, { value: '21.80', currency: 'USD' }, { value: '21.80', currency: 'USD' }]],
      ],
    );
  });

  it('answers top stats for a revenue goal: conversion rate, average and revenue per visitor', async () => {
    const res = await fx.engine.query(
      q({
        metrics: [
          'visitors',
          'events',
          'conversion_rate',
          'total_revenue',
          'average_revenue',
          'revenue_per_visitor',
        ],
        filters: [{ op: 'is', dimension: 'event:goal', values: ['Purchase USD'] }],
      }),
      siteA,
      nowMs,
    );
    // 175.79 over 3 converted purchases = 58.59666 -> 58.5967; over 6 visitors = 29.29833 -> 29.2983.
    const usd = (value: string) => ({ value, currency: 'USD', unconverted: chfUnconverted });
    assert.deepEqual(res.results[0]?.metrics, [4, 4, 66.67, usd('175.79'), usd('58.5967'), usd('29.2983')]);
  });

  it('matches page goals by wildcard and event goals by property', async () => {
    const res = await fx.engine.query(
      q({
        metrics: ['visitors', 'events', 'conversion_rate'],
        filters: [{ op: 'is', dimension: 'event:goal', values: ['Checkout page', 'Signup Pro'] }],
      }),
      siteA,
      nowMs,
    );
    // v1 (both goals: 2 events) and v3 (checkout) = 2 visitors, 3 events, 2/6 = 33.33 %.
    assert.deepEqual(res.results[0]?.metrics, [2, 3, 33.33]);
  });

  it('refuses an unknown goal and revenue without a currency to report in', async () => {
    const refused = async (overrides: Parameters<typeof q>[0]) => {
      try {
        await fx.engine.query(q(overrides), siteA, nowMs);
        return [];
      } catch (error) {
        return (error as StatsQueryError).fields.map((f) => f.field);
      }
    };
    assert.deepEqual(await refused({ filters: [{ op: 'is', dimension: 'event:goal', values: ['Nope'] }] }), [
      'filters[0]',
    ]);
    assert.deepEqual(await refused({ metrics: ['total_revenue'] }), ['metrics']);
    assert.deepEqual(
      await refused({
        metrics: ['total_revenue'],
        filters: [{ op: 'is', dimension: 'event:goal', values: ['Purchase USD', 'Purchase EUR'] }],
      }),
      ['metrics'],
    );
    assert.deepEqual(
      await refused({
        metrics: ['total_revenue'],
        filters: [{ op: 'is', dimension: 'event:goal', values: ['Signup Pro'] }],
      }),
      ['metrics'],
    );
  });

  it('batches goal questions with the rest of a page and answers them the same', async () => {
    const questions = [
      q({ metrics: ['visitors', 'visits'] }),
      q({ dimensions: ['event:goal'], metrics: ['visitors', 'events', 'conversion_rate', 'total_revenue'] }),
      q({ dimensions: ['visit:source'], metrics: ['visitors'] }),
      // A denominator over visits only (a visit dimension and a visit filter): in a batch it is
      // counted from the batch's visit rows, alone from the events; both must agree.
      q({
        dimensions: ['event:goal', 'visit:source'],
        filters: [{ op: 'is_not', dimension: 'visit:country', values: ['ZZ'] }],
        metrics: ['visitors', 'conversion_rate'],
      }),
    ];
    const batch = await fx.engine.queryMany(questions, siteA, nowMs);
    const single = await Promise.all(questions.map((question) => fx.engine.query(question, siteA, nowMs)));
    assert.deepEqual(
      batch.map((r) => r.results),
      single.map((r) => r.results),
    );
    assert.equal(batch[1]?.results.length, 4);
  });
}

describeOnEveryEngine('goals and revenue', goalsContract);
