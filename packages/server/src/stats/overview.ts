/**
 * The questions one dashboard page asks, as named queries: the dashboard and the REST overview
 * can run these, and `npm run bench:query` times exactly these.
 */
import { engagementFilterable } from './engagement.ts';
import type { DateRange, Filter, Metric, StatsQuery } from './types.ts';

export type OverviewPanel =
  | 'top_stats'
  | 'timeseries'
  | 'sources'
  | 'channels'
  | 'pages'
  | 'entry_pages'
  | 'exit_pages'
  | 'countries'
  | 'devices'
  | 'browsers'
  | 'operating_systems'
  | 'custom_events';

/** Pageviews only: a page that saw nothing but custom events is not a top page. */
const pageviewsOnly: Filter = { op: 'is', dimension: 'event:name', values: ['pageview'] };
/** Custom events only: a pageview is not a conversion. */
const customEventsOnly: Filter = { op: 'is_not', dimension: 'event:name', values: ['pageview'] };

export function overviewQueries(
  siteId: string,
  dateRange: DateRange,
  filters: readonly Filter[] = [],
  options: { panelLimit?: number; compare?: boolean } = {},
): Record<OverviewPanel, StatsQuery> {
  const limit = options.panelLimit ?? 10;
  const compare = options.compare === false ? null : ('previous_period' as const);
  const base = { siteId, dateRange, filters, orderBy: [], page: 0, compare: null };
  const breakdown = (
    dimension: StatsQuery['dimensions'][number],
    metrics: Metric[] = ['visitors'],
  ): StatsQuery => ({
    ...base,
    metrics,
    dimensions: [dimension],
    limit,
  });
  return {
    top_stats: {
      ...base,
      metrics: ['visitors', 'visits', 'pageviews', 'views_per_visit', 'bounce_rate', 'visit_duration'],
      dimensions: [],
      limit: 1,
      compare,
    },
    timeseries: {
      ...base,
      metrics: ['visitors', 'visits', 'pageviews'],
      dimensions: ['time:day'],
      limit: 10_000,
    },
    sources: breakdown('visit:source'),
    channels: breakdown('visit:channel'),
    // Visitors of a page are the visitors who viewed it, so the filter applies to both metrics.
    // Time on page and scroll depth (heartbeats, issue 15) whenever the filters apply to them.
    pages: {
      ...breakdown('event:page', [
        'visitors',
        'pageviews',
        ...(engagementFilterable(filters) ? (['time_on_page', 'scroll_depth'] as const) : []),
      ]),
      filters: [...filters, pageviewsOnly],
    },
    entry_pages: breakdown('visit:entry_page', ['visitors', 'visits']),
    exit_pages: breakdown('visit:exit_page', ['visitors', 'visits']),
    countries: breakdown('visit:country'),
    devices: breakdown('visit:device'),
    browsers: breakdown('visit:browser'),
    operating_systems: breakdown('visit:os'),
    custom_events: {
      ...breakdown('event:name', ['visitors', 'events', 'conversion_rate']),
      filters: [...filters, customEventsOnly],
    },
  };
}
