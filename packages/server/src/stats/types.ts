/**
 * The stats query model: one typed question about one site, independent of any SQL dialect.
 * Wire names follow Plausible's Stats API v2 so its clients keep working.
 */

export const metricNames = [
  'visitors',
  'visits',
  'pageviews',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
  'events',
  'conversion_rate',
  'revenue',
  'total_revenue',
  'average_revenue',
  'revenue_per_visitor',
  // Engagement (issue 15, stats/engagement.ts): from heartbeats, per pageview.
  'time_on_page',
  'scroll_depth',
] as const;
export type Metric = (typeof metricNames)[number];

export const timeDimensions = ['time:hour', 'time:day', 'time:week', 'time:month'] as const;
export type TimeDimension = (typeof timeDimensions)[number];

/** Dimensions with a fixed name (property dimensions are `event:props:<key>`). */
export const namedDimensions = [
  'event:page',
  'event:goal',
  'event:name',
  'event:hostname',
  'visit:entry_page',
  'visit:exit_page',
  // The hostname of the visit's first event (Plausible's name; its hostname filter on visits).
  'visit:entry_page_hostname',
  // The hostname of the visit's last pageview.
  'visit:exit_page_hostname',
  // The visit's referrer as Plausible writes it: host without www. and path (no query).
  'visit:referrer',
  'visit:source',
  'visit:channel',
  'visit:utm_source',
  'visit:utm_medium',
  'visit:utm_campaign',
  'visit:utm_term',
  'visit:utm_content',
  'visit:country',
  'visit:region',
  'visit:city',
  'visit:device',
  'visit:browser',
  'visit:os',
] as const;
export type NamedDimension = (typeof namedDimensions)[number];

export const propDimensionPrefix = 'event:props:';
export type PropDimension = `event:props:${string}`;

/** What a row can be grouped by. */
export type Dimension = TimeDimension | NamedDimension | PropDimension;
/** What a filter can test: every dimension except time buckets. */
export type FilterDimension = NamedDimension | PropDimension;

export const filterOperators = [
  'is',
  'is_not',
  'contains',
  'contains_not',
  'matches',
  'matches_not',
] as const;
export type FilterOperator = (typeof filterOperators)[number];

/** A leaf condition; `values` are regular expressions (RE2 syntax) for matches / matches_not. */
export interface LeafFilter {
  readonly op: FilterOperator;
  readonly dimension: FilterDimension;
  readonly values: readonly string[];
  /**
   * Absent: each operator's own default (is and matches case-sensitive, contains case-insensitive,
   * as the v1 API has always answered). Plausible's surface sets it explicitly.
   */
  readonly caseSensitive?: boolean;
  /**
   * A negated operator on an `event:props:` dimension skips events that lack the property
   * (Plausible's rule); absent, a missing property is "(none)" and so differs from every value.
   */
  readonly negationNeedsProperty?: boolean;
}

/**
 * A filter tree: leaf conditions combined with and / or / not, as in Plausible v2, and Plausible's
 * behavioural filters: `has_done` keeps the visits that have an event matching its filter (over
 * event fields only), all of their events; `has_not_done` the visits that have none.
 */
export type Filter =
  | LeafFilter
  | { readonly op: 'and' | 'or'; readonly filters: readonly Filter[] }
  | { readonly op: 'not'; readonly filter: Filter }
  | BehaviouralFilter;

export interface BehaviouralFilter {
  readonly op: 'has_done' | 'has_not_done';
  readonly filter: Filter;
}

export const datePresets = ['today', '24h', '7d', '30d', 'month', '90d', '12mo', '1y'] as const;
export type DatePreset = (typeof datePresets)[number];

/**
 * Custom ranges are whole days in the site's time zone, both ends inclusive (`YYYY-MM-DD`);
 * `instants` is a range of UTC milliseconds [startMs, endMs) (Plausible's datetime ranges).
 */
export type DateRange =
  | { readonly kind: 'preset'; readonly preset: DatePreset }
  | { readonly kind: 'custom'; readonly start: string; readonly end: string }
  | { readonly kind: 'instants'; readonly startMs: number; readonly endMs: number };

export type OrderKey = Metric | Dimension;
export interface OrderBy {
  readonly key: OrderKey;
  readonly direction: 'asc' | 'desc';
}

export interface StatsQuery {
  readonly siteId: string;
  readonly dateRange: DateRange;
  readonly metrics: readonly Metric[];
  readonly dimensions: readonly Dimension[];
  /** Leaves are implicitly and-ed; an empty list means no filter. */
  readonly filters: readonly Filter[];
  /** Empty: the engine's default (first metric desc; time dimensions asc). */
  readonly orderBy: readonly OrderBy[];
  /** Rows per page (1..10000). */
  readonly limit: number;
  /** Zero-based page number; offset = page * limit. */
  readonly page: number;
  /** Rows to skip; when given it wins over `page` (Plausible's `pagination.offset` need not be a multiple of the limit). */
  readonly offset?: number;
  readonly compare: 'previous_period' | null;
}

/**
 * A resolved range: UTC instants [startMs, endMs) for SQL, and the calendar days (site time zone,
 * inclusive) a person reads.
 */
export interface ResolvedRange {
  readonly startMs: number;
  readonly endMs: number;
  readonly startDate: string;
  readonly endDate: string;
}

/**
 * A revenue goal's amount in its currency, exact decimal text (`"99.99"`). Amounts that could not
 * be converted (no exchange rate for their day) are not in `value`: they are listed per source
 * currency, never counted as 0.
 */
export interface RevenueValue {
  readonly value: string;
  readonly currency: string;
  readonly unconverted?: ReadonlyArray<{
    readonly currency: string;
    readonly value: string;
    readonly events: number;
  }>;
}

/**
 * `revenue` is a map currency -> sum of the amounts as sent (no conversion), because sums in
 * different currencies cannot be added; `total_revenue`, `average_revenue` and
 * `revenue_per_visitor` are `RevenueValue`s in the goal's currency.
 */
export type MetricValue = number | null | Readonly<Record<string, number>> | RevenueValue;

/** The metrics answered in a revenue goal's currency. */
export const goalRevenueMetrics: readonly Metric[] = [
  'total_revenue',
  'average_revenue',
  'revenue_per_visitor',
];

export interface StatsComparisonCell {
  readonly dimensions: readonly string[];
  readonly metrics: readonly MetricValue[];
  /** Percent change per metric (percentage points for bounce_rate / conversion_rate); null if undefined. */
  readonly change: ReadonlyArray<number | null>;
}

export interface StatsResultRow {
  readonly dimensions: readonly string[];
  readonly metrics: readonly MetricValue[];
  /** Present when the query asked for a comparison. */
  readonly comparison?: StatsComparisonCell;
}

export interface StatsMeta {
  readonly timezone: string;
  readonly date_range: { readonly start: string; readonly end: string };
  /** Rows in the full (unpaged) answer. */
  readonly total_rows: number;
  /** With a time dimension: every bucket label in the range, including empty ones. */
  readonly time_labels?: readonly string[];
  readonly comparison_date_range?: { readonly start: string; readonly end: string };
}

/** The Plausible v2 shape of the request as the engine understood it. */
export interface StatsQueryEcho {
  readonly site_id: string;
  readonly date_range: readonly [string, string];
  readonly metrics: readonly string[];
  readonly dimensions: readonly string[];
  readonly filters: readonly unknown[];
  readonly order_by: ReadonlyArray<readonly [string, 'asc' | 'desc']>;
  readonly pagination: { readonly limit: number; readonly offset: number };
  readonly include: { readonly comparisons?: { readonly mode: 'previous_period' } };
}

export interface StatsResponse {
  readonly results: readonly StatsResultRow[];
  readonly meta: StatsMeta;
  readonly query: StatsQueryEcho;
  /** The same query over the preceding period, unjoined (rows also carry a per-row `comparison`). */
  readonly comparison?: {
    readonly date_range: { readonly start: string; readonly end: string };
    readonly results: readonly StatsResultRow[];
  };
}

/** One reason a request was refused, in the shape of errors.ts `FieldError`. */
export interface StatsFieldError {
  readonly field: string;
  readonly reason: string;
}
