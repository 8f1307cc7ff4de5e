/**
 * Runs a translated query on the SAME stats engine as our v1 API and writes the answer as
 * Plausible's `{results, meta, query}`. Two of Plausible's meanings are built here from extra
 * questions to the engine, so the compiler stays one:
 * - `percentage`: each row's visitors as a share of the visitors of the whole (undimensioned)
 *   query, in percent with one decimal;
 * - with an `event:page` dimension or a top-level `event:page` filter, `bounce_rate` and
 *   `visit_duration` are those of the visits that *entered* on the page (the same question asked
 *   with `visit:entry_page` in its place); a page no visit entered on answers 0.
 */
import type { StatsEngine } from '../stats/stats-engine.ts';
import type {
  Filter,
  MetricValue,
  RevenueValue,
  StatsQuery,
  StatsResponse,
  StatsResultRow,
} from '../stats/types.ts';
import type { Site } from '../store/types.ts';
import { toPlausibleLabel } from './labels.ts';
import type { PlausibleExtras } from './query.ts';

const entryMetrics = ['bounce_rate', 'visit_duration'] as const;

export interface PlausibleAnswer {
  readonly results: ReadonlyArray<{
    readonly dimensions: readonly string[];
    readonly metrics: readonly unknown[];
    readonly comparison?: unknown;
  }>;
  readonly meta: Record<string, unknown>;
  readonly query: Record<string, unknown>;
}

const onPage = (filter: Filter): boolean => 'dimension' in filter && filter.dimension === 'event:page';

/** The question whose visit metrics Plausible reports for pages: entry pages in place of pages. */
function entryQuestion(query: StatsQuery): StatsQuery | null {
  const metrics = query.metrics.filter((m) => (entryMetrics as readonly string[]).includes(m));
  const byPage = query.dimensions.includes('event:page') || query.filters.some(onPage);
  if (metrics.length === 0 || !byPage) return null;
  return {
    ...query,
    metrics,
    dimensions: query.dimensions.map((d) => (d === 'event:page' ? 'visit:entry_page' : d)),
    filters: query.filters.map((f) =>
      onPage(f) && 'dimension' in f ? { ...f, dimension: 'visit:entry_page' } : f,
    ),
    orderBy: [],
    limit: 10_000,
    offset: 0,
    page: 0,
    compare: null,
  };
}

/** Plausible's money value: the number, its currency, and the two ways its dashboard writes it. */
function plausibleMoney(value: RevenueValue): Record<string, unknown> {
  const amount = Number(value.value);
  const long = new Intl.NumberFormat('en-US', { style: 'currency', currency: value.currency }).format(amount);
  const short = new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: value.currency,
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(amount);
  return { short, long, value: amount, currency: value.currency };
}

function isMoney(value: MetricValue): value is RevenueValue {
  return value !== null && typeof value === 'object' && typeof value.currency === 'string';
}

export async function answerPlausible(
  engine: StatsEngine,
  site: Site,
  query: StatsQuery,
  extras: PlausibleExtras,
  sentSiteId: string,
  nowMs: number,
): Promise<PlausibleAnswer> {
  const wantsPercentage = extras.metrics.includes('percentage');
  const entry = entryQuestion(query);
  const [main, totals, entries] = await Promise.all([
    engine.query(query, site, nowMs),
    wantsPercentage
      ? engine.query(
          {
            ...query,
            dimensions: [],
            metrics: ['visitors'],
            orderBy: [],
            limit: 1,
            offset: 0,
            page: 0,
            compare: null,
          },
          site,
          nowMs,
        )
      : null,
    entry ? engine.query(entry, site, nowMs) : null,
  ]);
  const totalVisitors = Number(totals?.results[0]?.metrics[0] ?? 0);
  const entryRows = new Map((entries?.results ?? []).map((row) => [JSON.stringify(row.dimensions), row]));
  const visitorsAt = query.metrics.indexOf('visitors');

  const metricsOf = (row: StatsResultRow): unknown[] =>
    extras.metrics.map((sent) => {
      if (sent === 'percentage') {
        const visitors = Number(row.metrics[visitorsAt] ?? 0);
        return totalVisitors > 0 ? Math.round((visitors / totalVisitors) * 1000) / 10 : 0;
      }
      if (entry && (entryMetrics as readonly string[]).includes(sent)) {
        const found = entryRows.get(JSON.stringify(row.dimensions));
        return found?.metrics[entry.metrics.indexOf(sent as (typeof entryMetrics)[number])] ?? 0;
      }
      const value = row.metrics[query.metrics.indexOf(sent as StatsQuery['metrics'][number])] ?? null;
      return isMoney(value) ? plausibleMoney(value) : value;
    });

  const results = main.results.map((row) => ({
    dimensions: row.dimensions.map((value, i) => toPlausibleLabel(query.dimensions[i] ?? '', value)),
    metrics: metricsOf(row),
    ...(row.comparison
      ? {
          comparison: {
            dimensions: row.comparison.dimensions,
            metrics: metricsOf({ dimensions: row.dimensions, metrics: row.comparison.metrics }),
            change: row.comparison.change,
          },
        }
      : {}),
  }));
  return { results, meta: meta(main, extras), query: echo(main, query, extras, sentSiteId) };
}

function meta(main: StatsResponse, extras: PlausibleExtras): Record<string, unknown> {
  return {
    ...(extras.include.imports ? { imports_included: false } : {}),
    ...(extras.include.time_labels ? { time_labels: main.meta.time_labels ?? [] } : {}),
    ...(extras.include.total_rows ? { total_rows: main.meta.total_rows } : {}),
  };
}

/** The query as understood, in the words the client sent (domain, `time`, `percentage`). */
function echo(
  main: StatsResponse,
  query: StatsQuery,
  extras: PlausibleExtras,
  sentSiteId: string,
): Record<string, unknown> {
  const time = extras.dimensions.includes('time')
    ? query.dimensions.find((d) => d.startsWith('time:'))
    : undefined;
  return {
    site_id: sentSiteId,
    metrics: [...extras.metrics],
    date_range: main.query.date_range,
    filters: [...extras.filters],
    dimensions: [...extras.dimensions],
    order_by: main.query.order_by.map(([key, direction]) => [key === time ? 'time' : key, direction]),
    include: { ...extras.include },
    pagination: main.query.pagination,
  };
}
