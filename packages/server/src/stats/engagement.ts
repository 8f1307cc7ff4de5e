/**
 * Engagement in the stats query (issue 15): the two metrics read from the `engagement` table (one
 * row per pageview that sent heartbeats; store/duckdb/engagement-merge.ts, store/clickhouse/
 * engagement.ts), and the visit's honest end for `visit_duration`.
 *
 * - `time_on_page`: mean engaged seconds per pageview of the page (over pageviews that reported
 *   engagement: a server-side pageview without heartbeats says nothing about reading time).
 * - `scroll_depth`: mean over visitors of each visitor's deepest scroll of the page, in %.
 * - `visit_duration`: from the visit's first event to its last engaged moment (the later of its
 *   last event and its heartbeats' last moment, bounded by the range's end); bounce is unchanged.
 *
 * Which pageviews count: those of the visits that have events in the range (the same visits the
 * other metrics count), engaged at or after the range's start. Every read folds a pageview's rows
 * with max() first, so ClickHouse rows not merged yet, or stored twice, answer the same as
 * DuckDB's one merged row.
 */
import type { SqlDialect } from './dialect.ts';
import type { FieldContext } from './fields.ts';
import type { SqlParams } from './sql-params.ts';
import type { Filter, Metric, StatsFieldError, StatsQuery } from './types.ts';

export const engagementMetrics: readonly Metric[] = ['time_on_page', 'scroll_depth'];

/**
 * What an engagement row can be filtered by: its page and host, its event name (always
 * `pageview`: heartbeats belong to pageviews), and the visit dimensions of the visit it joins.
 */
const engagementDimensions = new Set(['event:page', 'event:hostname', 'event:name']);

/** Whether every filter can be applied to engaged pageviews (the dashboard asks only then). */
export function engagementFilterable(filters: readonly Filter[]): boolean {
  return filters.every(readableByEngagement);
}

export function asksEngagement(query: StatsQuery): boolean {
  return query.metrics.some((metric) => engagementMetrics.includes(metric));
}

function readableByEngagement(filter: Filter): boolean {
  if ('dimension' in filter)
    return engagementDimensions.has(filter.dimension) || filter.dimension.startsWith('visit:');
  // A visit's behaviour (has_done) is readable wherever its session is: engaged pageviews carry it.
  if ('filter' in filter) return filter.op !== 'not' || readableByEngagement(filter.filter);
  return filter.filters.every(readableByEngagement);
}

/** Why a query's engagement metrics cannot be answered (empty when they can, or are not asked). */
export function engagementQueryErrors(query: StatsQuery): StatsFieldError[] {
  if (!asksEngagement(query)) return [];
  const errors: StatsFieldError[] = [];
  query.dimensions.forEach((dimension, i) => {
    if (dimension !== 'event:page') {
      errors.push({
        field: `dimensions[${i}]`,
        reason: 'time_on_page and scroll_depth are answered in totals or by the event:page dimension only',
      });
    }
  });
  query.filters.forEach((filter, i) => {
    if (!readableByEngagement(filter)) {
      errors.push({
        field: `filters[${i}]`,
        reason:
          'time_on_page and scroll_depth can be filtered by event:page, event:hostname, event:name and visit dimensions only',
      });
    }
  });
  return errors;
}

/** Rounding as the API shows the metrics: whole seconds and whole percent; null without data. */
export function engagementMetricValue(raw: unknown): number | null {
  if (raw === null || raw === undefined) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? Math.round(n) : null;
}

/**
 * One row per engaged pageview of the site, folded with max(): `session_id` and `visitor_id`
 * hashed as the events scan hashes them (so they join `ev` and the visits), page and values.
 */
function pageviewsSql(d: SqlDialect, site: string, start: string): string {
  const folded = `SELECT session_id, pageview_key, ${d.anyValue('visitor_id')} AS visitor_id, ${d.anyValue('hostname')} AS hostname, ${d.anyValue('pathname')} AS pathname, max(engaged_ms) AS engaged_ms, max(scroll_max) AS scroll_max FROM ${d.engagementTable} WHERE site_id = ${site} AND last_ms >= ${start} GROUP BY session_id, pageview_key`;
  return `SELECT ${d.hashId('session_id')} AS session_id, ${d.hashId('visitor_id')} AS visitor_id, hostname, pathname, 'pageview' AS event_name, engaged_ms, scroll_max FROM (${folded}) pv`;
}

export interface EngagementJoin {
  /** The subquery, keyed by the query's dimension columns (`d0`…). */
  readonly sql: string;
  /** The metric expressions over the joined columns (`qualify`d with alias `g`). */
  readonly metricSql: Record<'time_on_page' | 'scroll_depth', string>;
}

/**
 * The engagement metrics per dimension tuple, to join to the statement's `agg` by its dimension
 * columns. `dims` are the dimension expressions (over `e.` and `s.`), `where` the query's filter
 * over the same; `sess` the visits (`s`) when a visit filter needs them, else ''.
 */
export function engagementJoin(
  d: SqlDialect,
  params: SqlParams,
  input: {
    readonly siteId: string;
    readonly startMs: number;
    readonly events: string;
    readonly sess: string;
    readonly dims: readonly string[];
    readonly where: string;
  },
): EngagementJoin {
  const site = params.bind(input.siteId, 'string');
  const start = params.bind(input.startMs, 'int');
  const dimCols = input.dims.map((_, i) => `d${i}`);
  const join = input.sess ? ` JOIN ${input.sess} s ON s.session_id = e.session_id` : '';
  const rows = `SELECT ${[...input.dims.map((expr, i) => `${expr} AS d${i}`), 'e.visitor_id AS visitor_id', 'e.engaged_ms AS engaged_ms', 'e.scroll_max AS scroll_max'].join(', ')} FROM (${pageviewsSql(d, site, start)}) e${join} WHERE e.session_id IN (SELECT session_id FROM ${input.events}) AND ${input.where}`;
  const group = (columns: readonly string[]) => (columns.length > 0 ? ` GROUP BY ${columns.join(', ')}` : '');
  // Per visitor first: the depth metric is the mean of each visitor's deepest scroll.
  const perVisitor = `SELECT ${[...dimCols, 'sum(engaged_ms) AS ms', 'count(*) AS n', 'max(scroll_max) AS depth'].join(', ')} FROM (${rows}) r${group([...dimCols, 'visitor_id'])}`;
  const sql = `SELECT ${[...dimCols, 'sum(ms) AS eg_ms', 'sum(n) AS eg_n', 'avg(depth) AS eg_depth'].join(', ')} FROM (${perVisitor}) v${group(dimCols)}`;
  const g = (column: string) => d.qualify('g', column);
  // A tuple without engaged pageviews has no value (ClickHouse's LEFT JOIN gives 0, DuckDB NULL).
  return {
    sql,
    metricSql: {
      time_on_page: `CASE WHEN ${g('eg_n')} > 0 THEN ${g('eg_ms')} / 1000.0 / ${g('eg_n')} END`,
      scroll_depth: `CASE WHEN ${g('eg_n')} > 0 THEN ${g('eg_depth')} * 1.0 END`,
    },
  };
}

/**
 * The one place visit durations become honest: the visit rows `visitsSql` (with `v_first_ms` and
 * `v_last_ms`, see FieldContext.bounceAndDuration) get `v_duration`, from the first event to the
 * later of the last event and the visit's last engaged moment in [start, end). A LEFT JOIN of one
 * row per visit with heartbeats; visits without any keep their events' duration. Unchanged SQL
 * when the query does not ask for the duration.
 */
export function withEngagementEnd(
  fields: FieldContext,
  visitsSql: string,
  site: string,
  start: string,
  endMs: number,
): string {
  if (!fields.visitExprs.has('v_last_ms')) return visitsSql;
  const d = fields.d;
  const last = fields.params.bind(endMs - 1, 'int');
  const columns = ['session_id', ...fields.visitExprs.keys()].map((name) => `s.${name} AS ${name}`);
  const ends = `SELECT ${d.hashId('session_id')} AS eng_session, least(max(last_ms), ${last}) AS eng_until FROM ${d.engagementTable} WHERE site_id = ${site} AND last_ms >= ${start} GROUP BY session_id`;
  const duration = `(greatest(s.v_last_ms, coalesce(eng.eng_until, 0)) - s.v_first_ms) / 1000.0`;
  return `SELECT ${columns.join(', ')}, ${duration} AS v_duration FROM (${visitsSql}) s LEFT JOIN (${ends}) eng ON eng.eng_session = s.session_id`;
}
