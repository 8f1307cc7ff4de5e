/** Reading Plausible Stats API v2 request bodies into the query model, and refusing bad ones. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStatsQuery, type StatsFieldError } from '../packages/server/src/stats/index.ts';
import { siteA } from './stats-fixture.ts';

const lookup = (id: string) => (id === siteA.id ? siteA : undefined);

async function errorsOf(body: unknown): Promise<readonly StatsFieldError[]> {
  const result = await parseStatsQuery(body, lookup);
  assert.equal(result.ok, false, 'expected a refusal');
  return result.ok ? [] : result.errors;
}

const valid = { site_id: siteA.id, date_range: '7d', metrics: ['visitors'] };

describe('parseStatsQuery', () => {
  it('reads a full Plausible v2 request', async () => {
    const result = await parseStatsQuery(
      {
        site_id: siteA.id,
        date_range: ['2026-03-01', '2026-03-07'],
        metrics: ['visitors', 'bounce_rate'],
        dimensions: ['visit:source', 'event:props:plan'],
        filters: [
          ['is', 'visit:country', ['DE', 'FR']],
          [
            'or',
            [
              ['contains', 'event:page', ['/blog']],
              ['not', ['is', 'event:name', ['Signup']]],
            ],
          ],
        ],
        order_by: [['bounce_rate', 'asc']],
        pagination: { limit: 5, offset: 10 },
        include: { comparisons: { mode: 'previous_period' }, time_labels: true, total_rows: true },
      },
      lookup,
    );
    assert.ok(result.ok);
    assert.equal(result.site, siteA);
    assert.deepEqual(result.query, {
      siteId: siteA.id,
      dateRange: { kind: 'custom', start: '2026-03-01', end: '2026-03-07' },
      metrics: ['visitors', 'bounce_rate'],
      dimensions: ['visit:source', 'event:props:plan'],
      filters: [
        { op: 'is', dimension: 'visit:country', values: ['DE', 'FR'] },
        {
          op: 'or',
          filters: [
            { op: 'contains', dimension: 'event:page', values: ['/blog'] },
            { op: 'not', filter: { op: 'is', dimension: 'event:name', values: ['Signup'] } },
          ],
        },
      ],
      orderBy: [{ key: 'bounce_rate', direction: 'asc' }],
      limit: 5,
      page: 2,
      offset: 10,
      compare: 'previous_period',
    });
  });

  it('defaults pagination and filters', async () => {
    const result = await parseStatsQuery(valid, lookup);
    assert.ok(result.ok);
    assert.equal(result.query.limit, 10_000);
    assert.deepEqual(result.query.filters, []);
    assert.equal(result.query.compare, null);
  });

  it('names each offending field', async () => {
    const cases: Array<[unknown, string]> = [
      [[], 'body'],
      [{ ...valid, extra: 1 }, 'extra'],
      [{ site_id: siteA.id, date_range: '7d' }, 'metrics'],
      [{ ...valid, metrics: ['visitors', 'nope'] }, 'metrics[1]'],
      [{ ...valid, metrics: ['visitors', 'visitors'] }, 'metrics[1]'],
      [{ ...valid, date_range: 'yesterday' }, 'date_range'],
      [{ ...valid, date_range: ['2026-02-30', '2026-03-01'] }, 'date_range'],
      [{ ...valid, date_range: ['2026-03-02', '2026-03-01'] }, 'date_range'],
      [{ ...valid, dimensions: ['visit:planet'] }, 'dimensions[0]'],
      [{ ...valid, dimensions: ['event:props:'] }, 'dimensions[0]'],
      [{ ...valid, dimensions: ['time:day', 'time:hour'] }, 'dimensions'],
      [{ ...valid, filters: [['matches_all', 'event:page', ['^/']]] }, 'filters[0][0]'],
      [{ ...valid, filters: [['is', 'time:day', ['2026-03-01']]] }, 'filters[0][1]'],
      [{ ...valid, filters: [['is', 'event:page', []]] }, 'filters[0][2]'],
      [{ ...valid, filters: [['is', 'event:page', 'x']] }, 'filters[0][2]'],
      [
        { ...valid, filters: [['and', [['is', 'event:page', ['/'], { case_sensitive: 'no' }]]]] },
        'filters[0][1][0]',
      ],
      [{ ...valid, filters: 'x' }, 'filters'],
      [{ ...valid, metrics: ['conversion_rate'] }, 'metrics'],
      [{ ...valid, order_by: [['pageviews', 'desc']] }, 'order_by[0]'],
      [{ ...valid, order_by: [['visitors', 'up']] }, 'order_by'],
      [{ ...valid, metrics: ['revenue'], order_by: [['revenue', 'desc']] }, 'order_by[0]'],
      [{ ...valid, pagination: { limit: 0 } }, 'pagination.limit'],
      [{ ...valid, pagination: { limit: 10_001 } }, 'pagination.limit'],
      [{ ...valid, pagination: { limit: 10, offset: -1 } }, 'pagination.offset'],
      [{ ...valid, include: { comparisons: { mode: 'year_over_year' } } }, 'include.comparisons'],
      [{ ...valid, site_id: 'nobody' }, 'site_id'],
    ];
    for (const [body, field] of cases) {
      const errors = await errorsOf(body);
      assert.ok(
        errors.some((e) => e.field === field && e.reason.length > 0),
        `${JSON.stringify(body)} -> ${JSON.stringify(errors)}`,
      );
    }
  });

  it('bounds nesting depth', async () => {
    let filter: unknown = ['is', 'event:page', ['/']];
    for (let i = 0; i < 10; i++) filter = ['not', filter];
    const errors = await errorsOf({ ...valid, filters: [filter] });
    assert.ok(errors.some((e) => e.reason.includes('nest')));
  });
});
