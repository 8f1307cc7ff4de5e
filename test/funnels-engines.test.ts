/**
 * One funnel fixture (test/funnels-fixture.ts), answered by DuckDB (both chain formulations) and
 * by a real ClickHouse 18.16 server: the same hand-computed literals on every engine.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FunnelQuery, FunnelResult } from '../packages/server/src/funnels/funnel-engine.ts';
import type { FunnelDefinition } from '../packages/server/src/funnels/types.ts';
import {
  chdbFunnels,
  clickHouseFunnels,
  type FunnelBackend,
  funnelNow,
  funnelRange,
  funnelSite,
  openDuckDbFunnels,
} from './funnels-fixture.ts';

const threeSteps = (order: 'sequential' | 'strict'): FunnelDefinition => ({
  steps: [
    { kind: 'page', pagePath: '/pricing', label: null },
    { kind: 'event', eventName: 'Signup', properties: [], label: 'Signed up' },
    { kind: 'goal', goalId: 'g_purchase', label: null },
  ],
  windowMs: 3_600_000,
  order,
});

function ask(overrides: Partial<FunnelQuery> = {}): FunnelQuery {
  return {
    siteId: funnelSite.id,
    dateRange: funnelRange,
    filters: [],
    definition: threeSteps('sequential'),
    funnel: null,
    breakdown: null,
    ...overrides,
  };
}

/** [visitors, conversion_rate, conversion_rate_from_previous, drop_off] per step. */
function table(result: FunnelResult | { steps: FunnelResult['steps'] }) {
  return result.steps.map((s) => [
    s.visitors,
    s.conversion_rate,
    s.conversion_rate_from_previous,
    s.drop_off,
  ]);
}

function funnelContract(open: () => Promise<FunnelBackend>) {
  let backend: FunnelBackend;
  before(async () => {
    backend = await open();
  });
  after(() => backend.close());
  const run = (query: FunnelQuery) => backend.engine.query(query, funnelSite, funnelNow);

  it('sequential: out-of-order arrival, repeated steps, the window, equal times (hand-computed)', async () => {
    const result = await run(ask());
    // Entered: V1-V9, V11, V12 (V10's /pricing is before the range) = 11. Step 2: V1, V3, V6, V7,
    // V8, V9, V11, V12 = 8. Step 3: V1, V3, V6, V7, V8, V12 = 6.
    assert.deepEqual(table(result), [
      [11, 100, 100, 0],
      [8, 72.73, 72.73, 3],
      [6, 54.55, 75, 2],
    ]);
    assert.deepEqual(
      result.steps.map((s) => s.name),
      ['/pricing', 'Signed up', 'Purchase'],
    );
    assert.deepEqual(result.meta, {
      timezone: 'UTC',
      date_range: { start: '2026-03-01', end: '2026-03-07' },
    });
  });

  it('strict: a pageview between two steps breaks the chain; a later step 1 restarts it', async () => {
    const result = await run(ask({ definition: threeSteps('strict') }));
    // V6 drops to 1 (its /blog comes between /pricing and Signup); V7 restarts at 10:03 → 3;
    // V3's chain from 09:00 still reaches 2 and from 12:00 reaches 3.
    assert.deepEqual(table(result), [
      [11, 100, 100, 0],
      [7, 63.64, 63.64, 4],
      [5, 45.45, 71.43, 2],
    ]);
  });

  it('the last step a revenue goal: the completing events’ revenue, converted, per entering visitor', async () => {
    const result = await run(ask());
    // V1 50 + V3 20 + V6 10 + V7 30 EUR (= 33 USD) + V8 5 + V12 7 = 125 USD; ÷ 11 = 11.3636.
    assert.deepEqual(result.revenue, {
      currency: 'USD',
      total: { value: '125.00', currency: 'USD' },
      per_entering_visitor: { value: '11.3636', currency: 'USD' },
    });
  });

  it('filters: mobile visitors from Google', async () => {
    const result = await run(
      ask({
        filters: [
          { op: 'is', dimension: 'visit:device', values: ['mobile'] },
          { op: 'is', dimension: 'visit:source', values: ['Google'] },
        ],
      }),
    );
    assert.deepEqual(table(result), [
      [2, 100, 100, 0],
      [2, 100, 100, 0],
      [1, 50, 50, 1],
    ]);
  });

  it('breakdown by source: which source converts', async () => {
    const result = await run(ask({ breakdown: 'visit:source' }));
    assert.equal(result.breakdown?.dimension, 'visit:source');
    assert.deepEqual(
      result.breakdown?.results.map((row) => [row.value, ...row.steps.map((s) => s.visitors)]),
      [
        ['Direct / None', 9, 6, 5],
        ['Google', 2, 2, 1],
      ],
    );
    assert.deepEqual(table(result), [
      [11, 100, 100, 0],
      [8, 72.73, 72.73, 3],
      [6, 54.55, 75, 2],
    ]);
  });

  it('a shorter window and a wildcard step', async () => {
    const result = await run(
      ask({
        definition: {
          steps: [
            { kind: 'page', pagePath: '/pri*', label: null },
            { kind: 'event', eventName: 'Signup', properties: [], label: null },
          ],
          windowMs: 5 * 60_000,
          order: 'sequential',
        },
      }),
    );
    // Within 5 minutes of a /pricing: V1 (10:05, inclusive), V6 (10:02), V7 (10:02 / 10:04).
    assert.deepEqual(table(result), [
      [11, 100, 100, 0],
      [3, 27.27, 27.27, 8],
    ]);
  });

  it('no visitor in range: zero counts, null rates', async () => {
    const result = await run(ask({ dateRange: { kind: 'custom', start: '2026-04-01', end: '2026-04-02' } }));
    assert.deepEqual(table(result), [
      [0, null, null, 0],
      [0, null, null, 0],
      [0, null, null, 0],
    ]);
    assert.deepEqual(result.revenue?.total, { value: '0.00', currency: 'USD' });
  });
}

describe('funnels on DuckDB (window functions)', () => funnelContract(() => openDuckDbFunnels('window')));
describe('funnels on DuckDB (range joins)', () => funnelContract(() => openDuckDbFunnels('range')));

const clickhouse = clickHouseFunnels();
describe('funnels on ClickHouse 18.16', { skip: clickhouse.skip }, () => {
  funnelContract(() => clickhouse.open());
  // After the contract's own `after` (hooks run in the order they were added).
  after(() => clickhouse.stop());
});

const chdb = chdbFunnels();
describe('funnels on ClickHouse 26 in process (chdb)', { skip: chdb.skip }, () => {
  funnelContract(() => chdb.open());
  after(() => chdb.stop());
});
