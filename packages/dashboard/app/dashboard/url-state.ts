/**
 * The dashboard's view lives in the URL so it can be bookmarked and shared:
 * `?period=30d&metric=pageviews&f=visit:country|US&f=event:page|/pricing&compare=0`.
 */

export const presets = [
  { id: 'today', label: 'Today' },
  { id: '24h', label: 'Last 24 hours' },
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: 'month', label: 'This month' },
  { id: '90d', label: 'Last 90 days' },
  { id: '12mo', label: 'Last 12 months' },
] as const;
export type PresetId = (typeof presets)[number]['id'];

export interface ViewFilter {
  readonly dimension: string;
  readonly value: string;
}

export interface ViewState {
  readonly period: PresetId | 'custom';
  /** `YYYY-MM-DD`, both inclusive; set when period is custom. */
  readonly from: string;
  readonly to: string;
  readonly compare: boolean;
  readonly metric: string;
  readonly filters: readonly ViewFilter[];
}

export const chartMetrics = [
  { id: 'visitors', label: 'Visitors' },
  { id: 'visits', label: 'Visits' },
  { id: 'pageviews', label: 'Pageviews' },
  { id: 'views_per_visit', label: 'Views per visit' },
  { id: 'bounce_rate', label: 'Bounce rate' },
  { id: 'visit_duration', label: 'Visit duration' },
] as const;

/** The filter a click on a goal sets: every panel then counts that goal's conversions. */
export const goalDimension = 'event:goal';

/**
 * With a goal filter the top stats are the goal's conversions, and these chart. (The revenue
 * cards do not: an amount per bucket in a currency is not one line on the chart.)
 */
export const goalChartMetrics = [
  { id: 'visitors', label: 'Unique conversions' },
  { id: 'events', label: 'Total conversions' },
  { id: 'conversion_rate', label: 'Conversion rate' },
] as const;

/** The goal the view is filtered by, if any. */
export function goalFilterOf(state: Pick<ViewState, 'filters'>): string | null {
  return state.filters.find((f) => f.dimension === goalDimension)?.value ?? null;
}

/** The metrics the chart can show for these filters. */
export function chartMetricsOf(
  state: Pick<ViewState, 'filters'>,
): ReadonlyArray<{ readonly id: string; readonly label: string }> {
  return goalFilterOf(state) === null ? chartMetrics : goalChartMetrics;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

export function readViewState(search: URLSearchParams): ViewState {
  const rawPeriod = search.get('period') ?? '7d';
  const from = search.get('from') ?? '';
  const to = search.get('to') ?? '';
  const custom = rawPeriod === 'custom' && datePattern.test(from) && datePattern.test(to) && from <= to;
  const period = custom ? 'custom' : (presets.find((p) => p.id === rawPeriod)?.id ?? '7d');
  const metric = search.get('metric') ?? 'visitors';
  const filters: ViewFilter[] = [];
  for (const raw of search.getAll('f')) {
    const bar = raw.indexOf('|');
    if (bar > 0) filters.push({ dimension: raw.slice(0, bar), value: raw.slice(bar + 1) });
  }
  return {
    period,
    from: custom ? from : '',
    to: custom ? to : '',
    compare: search.get('compare') !== '0',
    metric: chartMetricsOf({ filters }).some((m) => m.id === metric) ? metric : 'visitors',
    filters,
  };
}

export function writeViewState(state: ViewState): string {
  const search = new URLSearchParams();
  if (state.period !== '7d') search.set('period', state.period);
  if (state.period === 'custom') {
    search.set('from', state.from);
    search.set('to', state.to);
  }
  if (!state.compare) search.set('compare', '0');
  // A metric these filters cannot chart (conversions after the goal filter went) is left out.
  const chartable = chartMetricsOf(state).some((m) => m.id === state.metric);
  if (state.metric !== 'visitors' && chartable) search.set('metric', state.metric);
  for (const filter of state.filters) search.append('f', `${filter.dimension}|${filter.value}`);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Adds a filter, replacing any on the same dimension (one value per dimension keeps it readable). */
export function withFilter(state: ViewState, filter: ViewFilter): ViewState {
  return { ...state, filters: [...state.filters.filter((f) => f.dimension !== filter.dimension), filter] };
}

export function withoutFilter(state: ViewState, dimension: string): ViewState {
  return { ...state, filters: state.filters.filter((f) => f.dimension !== dimension) };
}
