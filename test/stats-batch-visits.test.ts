/**
 * On DuckDB a batch builds its shared visits differently from a single query (compile.ts
 * `joinedVisitsSql`: first-event fields joined back by row, source and channel classified once per
 * distinct input tuple). Its answers must be exactly those of the single-query form, whatever mix
 * of visit fields the batch needs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Dimension, Metric, StatsQuery } from '../packages/server/src/stats/index.ts';
import { namedDimensions } from '../packages/server/src/stats/types.ts';
import { type Fixture, nowMs, openFixture, q, siteA } from './stats-fixture.ts';

/** Every visit dimension the engine knows. */
const visitDimensions: Dimension[] = namedDimensions.filter((name) => name.startsWith('visit:'));
const visitMetrics: Metric[] = [
  'visitors',
  'visits',
  'pageviews',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
  'events',
];

describe('a batch on DuckDB answers visit questions as single queries do', () => {
  let fx: Fixture;
  before(async () => {
    fx = await openFixture();
  });
  after(() => fx.close());

  const sameAsOneByOne = async (queries: StatsQuery[]) => {
    const batch = await fx.engine.queryMany(queries, siteA, nowMs);
    const single = await Promise.all(queries.map((query) => fx.engine.query(query, siteA, nowMs)));
    assert.deepEqual(batch, single);
    return batch;
  };

  it('for every visit dimension, with every visit metric', async () => {
    const batch = await sameAsOneByOne(
      visitDimensions.map((dimension) => q({ dimensions: [dimension], metrics: visitMetrics })),
    );
    // Not vacuous: each breakdown has rows.
    for (const answer of batch) assert.ok(answer.results.length > 0);
  });

  it('with filters on source and channel, and without them', async () => {
    await sameAsOneByOne([
      q({ dimensions: ['visit:entry_page'], metrics: visitMetrics }),
      q({ filters: [{ op: 'is', dimension: 'visit:source', values: ['Google'] }], metrics: visitMetrics }),
      q({
        dimensions: ['visit:country'],
        filters: [{ op: 'is_not', dimension: 'visit:channel', values: ['Direct'] }],
      }),
      q({
        dimensions: ['event:page'],
        filters: [{ op: 'contains', dimension: 'visit:source', values: ['o'] }],
      }),
    ]);
  });

  it('when no first-event field is needed, or no source', async () => {
    await sameAsOneByOne([
      q({ metrics: visitMetrics }),
      q({ dimensions: ['time:day'], metrics: visitMetrics }),
    ]);
    await sameAsOneByOne([
      q({ dimensions: ['visit:browser'], metrics: visitMetrics }),
      q({ dimensions: ['visit:exit_page'], metrics: ['visits', 'bounce_rate'] }),
    ]);
  });
});
