/**
 * Runs a translated query on the SAME stats engine as our v1 API and writes the answer as
 * Plausible's `{results, meta, query}`. Some of Plausible's meanings are built here from extra
 * questions to the engine, so the compiler stays one:
 * - `percentage` and `conversion_rate`: each row's visitors as a share of one total (metrics.ts);
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
import { engineMetricFor } from './metrics.ts';
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

/** The same question without dimensions, asking visitors only: a denominator for every row. */
function visitorsTotal(query: StatsQuery, filters: readonly Filter[]): StatsQuery {
  return {
    ...query,
    filters,
    dimensions: [],
    metrics: ['visitors'],
    orderBy: [],
    limit: 1,
    offset: 0,
    page: 0,
    compare: null,
  };
}

const isGoalFilter = (filter: Filter): boolean => 'dimension' in filter && filter.dimension === 'event:goal';

/** A percentage with Plausible's decimals, 0 over an empty denominator. */
function share(part: number, whole: number, decimals: number): number {
  if (whole <= 0) return 0;
  const scale = 10 ** decimals;
  return Math.round((part / whole) * 100 * scale) / scale;
}

export async function answerPlausible(
  engine: StatsEngine,
  site: Site,
  query: StatsQuery,
  extras: PlausibleExtras,
  sentSiteId: string,
  nowMs: number,
): Promise<PlausibleAnswer> {
  const entry = entryQuestion(query);
  const total = async (filters: readonly Filter[] | null): Promise<number> => {
    if (!filters) return 0;
    const answer = await engine.query(visitorsTotal(query, filters), site, nowMs);
    return Number(answer.results[0]?.metrics[0] ?? 0);
  };
  const [main, percentageBase, conversionBase, entries] = await Promise.all([
    engine.query(query, site, nowMs),
    total(extras.metrics.includes('percentage') ? query.filters : null),
    // Plausible's conversion_rate: over every visitor of the range, whatever the row.
    total(extras.metrics.includes('conversion_rate') ? query.filters.filter((f) => !isGoalFilter(f)) : null),
    entry ? engine.query(entry, site, nowMs) : null,
  ]);
  const entryRows = new Map((entries?.results ?? []).map((row) => [JSON.stringify(row.dimensions), row]));
  const visitorsAt = query.metrics.indexOf('visitors');

  const metricsOf = (row: StatsResultRow): unknown[] =>
    extras.metrics.map((sent) => {
      const visitors = Number(row.metrics[visitorsAt] ?? 0);
      if (sent === 'percentage') return share(visitors, percentageBase, 1);
      if (sent === 'conversion_rate') return share(visitors, conversionBase, 2);
      if (entry && (entryMetrics as readonly string[]).includes(sent)) {
        const found = entryRows.get(JSON.stringify(row.dimensions));
        return found?.metrics[entry.metrics.indexOf(sent as (typeof entryMetrics)[number])] ?? 0;
      }
      const value = row.metrics[query.metrics.indexOf(engineMetricFor(sent))] ?? null;
      return isMoney(value) ? plausibleMoney(value) : value;
    });

  const label = (values: readonly string[]): string[] =>
    values.map((value, i) => toPlausibleLabel(extras.dimensions[i] ?? '', value));
  const results = main.results.map((row) => ({
    dimensions: label(row.dimensions),
    metrics: metricsOf(row),
    ...(row.comparison
      ? {
          comparison: {
            dimensions: label(row.comparison.dimensions),
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

/** An engine order key in the words the client sent (`time`, `visit:country_name`, `percentage`). */
function sentName(key: string, query: StatsQuery, extras: PlausibleExtras, time: string | undefined): string {
  if (key === time) return 'time';
  const at = (query.dimensions as readonly string[]).indexOf(key);
  if (at >= 0) return extras.dimensions[at] ?? key;
  if (extras.metrics.includes(key)) return key;
  return extras.metrics.find((sent) => engineMetricFor(sent) === key) ?? key;
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
    order_by: main.query.order_by.map(([key, direction]) => [sentName(key, query, extras, time), direction]),
    include: { ...extras.include },
    pagination: main.query.pagination,
  };
}
