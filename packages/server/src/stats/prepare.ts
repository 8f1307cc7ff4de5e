/**
 * Batches: a dashboard page asks a dozen questions about the same site and range. Instead of
 * scanning the events and rebuilding the visits for each, a batch is ONE statement whose two
 * materialized CTEs — the range's events (hashed ids, the columns any question reads) and one
 * row per visit with every visit field — are built once and read by every question's subquery.
 * (Measured on the 10M bench dataset: temporary tables cost ~50 ms of CPU more for a typical
 * site, mostly writing their string columns, and the events table was scanned twice.)
 */
import type { Goal } from '../goals/types.ts';
import {
  joinedVisitsSql,
  type PreparedTables,
  rollupVisitsSql,
  scanSql,
  usableRollup,
  visitsSql,
} from './compile.ts';
import type { SqlDialect } from './dialect.ts';
import { withEngagementEnd } from './engagement.ts';
import { FieldContext, needsVisitsFromEvents } from './fields.ts';
import type { VisitEdges } from './rollup-visits.ts';
import type { SqlParams } from './sql-params.ts';
import {
  type Filter,
  goalRevenueMetrics,
  type NamedDimension,
  type ResolvedRange,
  type StatsQuery,
} from './types.ts';

export interface Preparation {
  readonly tables: PreparedTables;
  /** The CTE definitions (`name AS MATERIALIZED (...)`), bound into the batch's parameters. */
  readonly ctes: readonly string[];
}

/** Whether any of the queries reads event properties (property dimensions/filters, goals matching properties). */
export function needsProps(queries: readonly StatsQuery[], goals: readonly Goal[]): boolean {
  const text = (q: StatsQuery) => JSON.stringify([q.dimensions, q.filters]);
  const goalProps = goals.some((goal) => goal.properties.length > 0);
  return queries.some(
    (q) => text(q).includes('event:props:') || (goalProps && text(q).includes('event:goal')),
  );
}

/** Whether any of the queries reads the events' revenue columns. */
export function needsRevenue(queries: readonly StatsQuery[]): boolean {
  return queries.some(
    (q) => q.metrics.includes('revenue') || q.metrics.some((m) => goalRevenueMetrics.includes(m)),
  );
}

/** The visit dimensions any of the queries groups or filters by: the visit table holds only those. */
function visitDimensionsUsed(queries: readonly StatsQuery[]): NamedDimension[] {
  const used = new Set<NamedDimension>();
  const walk = (filter: Filter): void => {
    if ('dimension' in filter) {
      if (FieldContext.isVisitDimension(filter.dimension)) used.add(filter.dimension as NamedDimension);
    } else if ('filter' in filter) walk(filter.filter);
    else filter.filters.forEach(walk);
  };
  for (const query of queries) {
    for (const dimension of query.dimensions) {
      if (FieldContext.isVisitDimension(dimension)) used.add(dimension as NamedDimension);
    }
    query.filters.forEach(walk);
  }
  return [...used].sort();
}

/**
 * The two selects a batch shares, for an engine that stores them its own way (ClickHouse 18.16
 * has no CTEs: it keeps the visits in a temporary table and reads the events inline).
 */
export interface PreparedSelects {
  readonly withProps: boolean;
  /** The range's events, with every column any of the questions reads. */
  readonly eventsSql: string;
  /** One row per visit, built from events read as `from` (a table or subquery, with alias `ev`). */
  visitsSql(from: string): string;
}

export function prepareSelects(
  d: SqlDialect,
  params: SqlParams,
  siteId: string,
  range: ResolvedRange,
  timezone: string,
  queries: readonly StatsQuery[],
  /** Build the visits with joinedVisitsSql (needs `d.eventRow` and CTEs). */
  joinedVisits = false,
  goals: readonly Goal[] = [],
  /** Read the visits from the dialect's rollup, straddlers rebuilt within these bounds. */
  visitEdges?: VisitEdges,
): PreparedSelects {
  const withProps = needsProps(queries, goals);
  // A field the rollup does not keep (visit:referrer): the batch's visits rebuilt from events.
  const edges = needsVisitsFromEvents(queries) ? undefined : usableRollup(d, range, visitEdges);

  // One scan of the events table (the dominant cost of a page): the events CTE also carries the
  // columns the visits are built from (none when they come from the rollup).
  const fields = new FieldContext(d, params, timezone, range, {
    entryColumns: joinedVisits,
    visitsFromRollup: edges !== undefined,
  });
  for (const dimension of visitDimensionsUsed(queries)) fields.dimension(dimension);
  fields.visitTotals();
  fields.bounceAndDuration();
  const eventColumns = new Set([
    'ts',
    'session_id',
    'visitor_id',
    'event_type',
    'event_name',
    'pathname',
    'hostname',
  ]);
  if (withProps) eventColumns.add('prop_keys').add('prop_values');
  if (needsRevenue(queries)) eventColumns.add('revenue_e4').add('revenue_currency');
  // Joined visits read their first-event fields from a scan of their own (below), so the events
  // CTE need not carry (and materialize) the columns only those read: ~20 ms of CPU less at 560k.
  const entryOnly = new Set(joinedVisits && !edges ? fields.entryRecord.values() : []);
  for (const column of fields.eventColumns) {
    if (!entryOnly.has(column)) eventColumns.add(column);
  }
  if (entryOnly.size > 0) eventColumns.add('event_row');
  const [site, start, end] = [
    params.bind(siteId, 'string'),
    params.bind(range.startMs, 'int'),
    params.bind(range.endMs, 'int'),
  ];
  const eventsSql = scanSql(d, eventColumns, site, start, end);
  const entrySql = scanSql(d, ['event_row', ...entryOnly], site, start, end);
  return {
    withProps,
    eventsSql,
    // Durations run to the last engaged moment (engagement.ts), joined once here for the batch.
    visitsSql: (from) =>
      withEngagementEnd(
        fields,
        edges
          ? rollupVisitsSql(fields, site, start, end, edges)
          : joinedVisits
            ? joinedVisitsSql(fields, from, entrySql)
            : visitsSql(fields, from),
        site,
        start,
        range.endMs,
      ),
  };
}

export function compilePreparation(
  d: SqlDialect,
  params: SqlParams,
  siteId: string,
  range: ResolvedRange,
  timezone: string,
  queries: readonly StatsQuery[],
  goals: readonly Goal[] = [],
  visitEdges?: VisitEdges,
): Preparation {
  const selects = prepareSelects(
    d,
    params,
    siteId,
    range,
    timezone,
    queries,
    d.eventRow === true,
    goals,
    visitEdges,
  );
  const tables: PreparedTables = {
    events: 'zv_batch_events',
    visits: 'zv_batch_visits',
    withProps: selects.withProps,
  };
  return {
    tables,
    ctes: [
      d.materializedCte(tables.events, selects.eventsSql),
      d.materializedCte(tables.visits, selects.visitsSql(tables.events)),
    ],
  };
}
