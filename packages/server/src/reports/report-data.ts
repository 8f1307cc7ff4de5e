import type { GoalService } from '../goals/goal-service.ts';
import { parseStatsQuery, type StatsEngine } from '../stats/index.ts';
import type { Site } from '../store/types.ts';
import type { ReportPeriod } from './period.ts';
import type { ReportFrequency } from './types.ts';

/** One number of the report with the same number of the period before. */
export interface Compared {
  readonly value: number;
  readonly previous: number;
}

export interface ReportRow {
  readonly name: string;
  readonly visitors: Compared;
}

export interface GoalRow {
  readonly name: string;
  readonly conversions: Compared;
  /** Exact decimal text and currency, for a revenue goal with revenue in the period. */
  readonly revenue: { readonly value: string; readonly currency: string } | null;
}

/** What a report says: asked of the one stats engine, so it matches the stats API to the digit. */
export interface ReportData {
  readonly site: { readonly name: string; readonly domain: string };
  readonly frequency: ReportFrequency;
  readonly period: ReportPeriod;
  readonly visitors: Compared;
  readonly pageviews: Compared;
  /** Percent, as the stats API answers it. */
  readonly bounceRate: Compared;
  /** Seconds. */
  readonly visitDuration: Compared;
  readonly sources: readonly ReportRow[];
  readonly pages: readonly ReportRow[];
  readonly goals: readonly GoalRow[];
}

interface Row {
  dimensions: string[];
  metrics: unknown[];
  comparison?: { metrics: unknown[] };
}

const number = (value: unknown) => (typeof value === 'number' ? value : 0);
const topRows = 5;

/** The report of one site for one period, each number compared with the period before. */
export async function buildReport(
  deps: { stats: StatsEngine; goals: GoalService },
  site: Site,
  frequency: ReportFrequency,
  period: ReportPeriod,
  nowMs: number,
): Promise<ReportData> {
  const ask = async (body: Record<string, unknown>): Promise<Row[]> => {
    const parsed = await parseStatsQuery(
      {
        site_id: site.id,
        date_range: [period.start, period.end],
        include: { comparisons: { mode: 'previous_period' } },
        ...body,
      },
      (id) => (id === site.id ? site : null),
    );
    if (!parsed.ok) throw new Error(`report query refused: ${JSON.stringify(parsed.errors)}`);
    const answer = (await deps.stats.query(parsed.query, site, nowMs)) as unknown as { results: Row[] };
    return answer.results;
  };
  const compared = (row: Row | undefined, i: number): Compared => ({
    value: number(row?.metrics[i]),
    previous: number(row?.comparison?.metrics[i]),
  });
  const listed = (rows: Row[]): ReportRow[] =>
    rows.map((row) => ({ name: row.dimensions[0] ?? '', visitors: compared(row, 0) }));
  const top = (dimension: string, filters: unknown[] = []) =>
    ask({
      metrics: ['visitors'],
      dimensions: [dimension],
      filters,
      order_by: [['visitors', 'desc']],
      pagination: { limit: topRows, offset: 0 },
    });
  const goals = await deps.goals.list(site.id);
  const revenue = goals.some((goal) => goal.currency !== null);
  const [totals, sources, pages, goalRows] = await Promise.all([
    ask({ metrics: ['visitors', 'pageviews', 'bounce_rate', 'visit_duration'] }),
    top('visit:source'),
    top('event:page', [['is', 'event:name', ['pageview']]]),
    goals.length === 0
      ? Promise.resolve([] as Row[])
      : ask({
          metrics: ['events', ...(revenue ? ['total_revenue'] : [])],
          dimensions: ['event:goal'],
          order_by: [['events', 'desc']],
          pagination: { limit: 100, offset: 0 },
        }),
  ]);
  const total = totals[0];
  return {
    site: { name: site.name, domain: site.domain },
    frequency,
    period,
    visitors: compared(total, 0),
    pageviews: compared(total, 1),
    bounceRate: compared(total, 2),
    visitDuration: compared(total, 3),
    sources: listed(sources),
    pages: listed(pages),
    goals: goalRows.map((row) => {
      const amount = row.metrics[1] as { value?: unknown; currency?: unknown } | null | undefined;
      return {
        name: row.dimensions[0] ?? '',
        conversions: compared(row, 0),
        revenue:
          amount && typeof amount.value === 'string' && typeof amount.currency === 'string'
            ? { value: amount.value, currency: amount.currency }
            : null,
      };
    }),
  };
}
