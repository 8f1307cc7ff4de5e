/**
 * The goals a bench site has (the generator's custom events, one of them a revenue goal in USD
 * while purchases come in EUR and USD, and a page goal), exchange rates for every day of the
 * dataset, and the dashboard's Goals panel question.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Goal } from '../../packages/server/src/goals/types.ts';
import type { StatsQuery } from '../../packages/server/src/stats/index.ts';

export function benchGoals(siteId: string): Goal[] {
  const goal = (id: string, name: string, fields: Partial<Goal>): Goal => ({
    id,
    siteId,
    name,
    kind: 'event',
    eventName: name,
    pagePath: null,
    properties: [],
    currency: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...fields,
  });
  return [
    goal('g1', 'Signup', {}),
    goal('g2', 'Purchase', { currency: 'USD' }),
    goal('g3', 'Download', {}),
    goal('g4', 'Newsletter', {}),
    goal('g5', 'Product pages', { kind: 'page', eventName: null, pagePath: '/p/1*' }),
  ];
}

/** EUR = 1 and a USD rate that moves a little, for the 400 days before `endMs`. */
export async function fillFxRates(connection: DuckDBConnection, endMs: number): Promise<void> {
  await connection.run('DELETE FROM fx_rates');
  await connection.run(
    `INSERT INTO fx_rates
     SELECT strftime(d, '%Y-%m-%d'), c, CASE WHEN c = 'EUR' THEN 1.0 ELSE 1.05 + (epoch(d) / 86400 % 10) / 100 END, strftime(d, '%Y-%m-%d')
     FROM range(make_timestamp(${endMs - 400 * 86_400_000} * 1000), make_timestamp(${endMs + 86_400_000} * 1000), INTERVAL 1 DAY) t(d),
          (VALUES ('EUR'), ('USD')) c(c)`,
  );
}

export function goalsPanelQuery(siteId: string): StatsQuery {
  return {
    siteId,
    dateRange: { kind: 'preset', preset: '30d' },
    metrics: ['visitors', 'events', 'conversion_rate', 'total_revenue'],
    dimensions: ['event:goal'],
    filters: [],
    orderBy: [],
    limit: 10,
    page: 0,
    compare: null,
  };
}
