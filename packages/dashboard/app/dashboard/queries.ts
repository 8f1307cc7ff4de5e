import type { ViewState } from './url-state.ts';

/**
 * Builders of Plausible Stats API v2 queries: the dashboard asks the server's stats engine the
 * same questions the REST API answers, so no metric is computed here.
 */

/**
 * A revenue goal's amount in its currency, as exact decimal text (`"99.99"`); amounts without an
 * exchange rate are listed apart, never counted as 0 (the server's `RevenueValue`).
 */
export interface RevenueAmount {
  readonly value: string;
  readonly currency: string;
  readonly unconverted?: ReadonlyArray<{
    readonly currency: string;
    readonly value: string;
    readonly events: number;
  }>;
}

/** `revenue` is a map currency -> sum; the goal revenue metrics are `RevenueAmount`s. */
export type MetricValue = number | null | Readonly<Record<string, number>> | RevenueAmount;

export interface ResultRow {
  dimensions: string[];
  metrics: MetricValue[];
  comparison?: { dimensions: string[]; metrics: MetricValue[]; change: Array<number | null> };
}

export interface StatsResult {
  results: ResultRow[];
  meta: {
    date_range: { start: string; end: string };
    time_labels?: string[];
    total_rows: number;
    comparison_date_range?: { start: string; end: string };
  };
  comparison?: { date_range: { start: string; end: string }; results: ResultRow[] };
  /** The query as the engine read it: which metric each column of `metrics` is. */
  query?: { metrics: string[] };
}

export interface StatsQueryBody {
  site_id: string;
  date_range: string | [string, string];
  metrics: string[];
  dimensions?: string[];
  filters?: unknown[];
  order_by?: Array<[string, 'asc' | 'desc']>;
  pagination?: { limit: number; offset: number };
  include?: { comparisons?: { mode: 'previous_period' } };
}

export const topMetrics = [
  'visitors',
  'visits',
  'pageviews',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
] as const;

export function dateRangeOf(state: ViewState): string | [string, string] {
  return state.period === 'custom' ? [state.from, state.to] : state.period;
}

export function filtersOf(state: ViewState, extra: unknown[] = []): unknown[] {
  return [...state.filters.map((f) => ['is', f.dimension, [f.value]]), ...extra];
}

/** The bucket a chart uses: hours for a day, months for a year, days otherwise. */
export function timeDimensionOf(state: ViewState): string {
  if (state.period === 'today' || state.period === '24h') return 'time:hour';
  if (state.period === '12mo') return 'time:month';
  if (state.period === 'custom') {
    const days = (Date.parse(state.to) - Date.parse(state.from)) / 86_400_000;
    if (days < 1) return 'time:hour';
    if (days > 180) return 'time:month';
  }
  return 'time:day';
}

export function topStatsQuery(siteId: string, state: ViewState): StatsQueryBody {
  return {
    site_id: siteId,
    date_range: dateRangeOf(state),
    metrics: [...topMetrics],
    filters: filtersOf(state),
    include: { comparisons: { mode: 'previous_period' } },
  };
}

export function timeseriesQuery(siteId: string, state: ViewState): StatsQueryBody {
  return {
    site_id: siteId,
    date_range: dateRangeOf(state),
    metrics: [state.metric],
    dimensions: [timeDimensionOf(state)],
    filters: filtersOf(state),
    pagination: { limit: 10_000, offset: 0 },
    ...(state.compare ? { include: { comparisons: { mode: 'previous_period' as const } } } : {}),
  };
}

export function breakdownQuery(
  siteId: string,
  state: ViewState,
  dimension: string,
  options: { metrics?: string[]; limit?: number; extraFilters?: unknown[] } = {},
): StatsQueryBody {
  const metrics = options.metrics ?? ['visitors'];
  return {
    site_id: siteId,
    date_range: dateRangeOf(state),
    metrics,
    dimensions: [dimension],
    filters: filtersOf(state, options.extraFilters),
    order_by: [[metrics[0]!, 'desc']],
    pagination: { limit: options.limit ?? 10, offset: 0 },
  };
}

/** Custom events only: pageviews are the "pageview" event name, and a pageview is not a conversion. */
export const customEventsFilter = ['is_not', 'event:name', ['pageview']];

/**
 * Pageviews only, for top pages: a page that saw nothing but custom events is not a top page,
 * and a page's visitors are the visitors who viewed it (the server's overview asks the same).
 */
export const pageviewsFilter = ['is', 'event:name', ['pageview']];

/** The headline numbers of a goal filter: its conversions, and its revenue for a revenue goal. */
export function goalTopMetrics(revenue: boolean): string[] {
  return ['visitors', 'events', 'conversion_rate', ...(revenue ? ['total_revenue', 'average_revenue'] : [])];
}

export function goalTopStatsQuery(siteId: string, state: ViewState, revenue: boolean): StatsQueryBody {
  return { ...topStatsQuery(siteId, state), metrics: goalTopMetrics(revenue) };
}

/** The metrics of the Goals panel, in its columns' order. */
export const goalPanelMetrics = ['visitors', 'events', 'conversion_rate', 'total_revenue'];

/** Every goal's conversions (a site has at most 100 goals, so one page holds them all). */
export function goalsBreakdownQuery(siteId: string, state: ViewState): StatsQueryBody {
  return breakdownQuery(siteId, state, 'event:goal', { metrics: goalPanelMetrics, limit: 100 });
}
