/**
 * The one compiler from the query model to SQL. Shape of every statement:
 *   ev      the site's events in [start, end)            (only the columns the query reads)
 *   sess    one row per visit, when a visit dimension/filter/metric is used
 *   matched events joined to their visit, filtered, with dimension values d0..dn
 *   agg     metrics per dimension tuple (via one row per visit and tuple when bounce/duration ask)
 *   rev     revenue per tuple and currency; conv: conversion denominators
 * Questions only about visits skip `matched` and aggregate `sess` directly. In a batch
 * (`prepared`), `ev` and `sess` are materialized CTEs built once for all the batch's questions.
 * User input appears only as bound parameters (SqlParams) or through dialect.stringLiteral.
 */
import type { Goal } from '../goals/types.ts';
import { bucketAligned, bucketVisitsRawSql } from './clickhouse-visit-buckets.ts';
import type { SqlDialect, TimeBucket } from './dialect.ts';
import { asksEngagement, engagementJoin, withEngagementEnd } from './engagement.ts';
import { eventsTableMarker, FieldContext, needsVisitsFromEvents, sourceInputFields } from './fields.ts';
import { goalsNamed } from './goal-conditions.ts';
import { defineGoalRevenue, revenueTarget } from './goal-revenue.ts';
import { rollupRawVisitsSql, type VisitEdges } from './rollup-visits.ts';
import { type SqlParam, SqlParams } from './sql-params.ts';
import {
  type Dimension,
  type Filter,
  goalRevenueMetrics,
  type Metric,
  propDimensionPrefix,
  type ResolvedRange,
  type StatsQuery,
} from './types.ts';

export interface CompiledStatement {
  readonly sql: string;
  readonly params: readonly SqlParam[];
  /** Output columns: `d0..dN-1`, then `m_<metric>` per requested metric, then `total_rows`. */
  readonly metricColumns: readonly string[];
  /** Whether the statement reads one row per visit (and so the visit rollup, when given edges). */
  readonly readsVisits: boolean;
  /** The statement's ORDER BY, in terms of its output columns (a batch re-applies it). */
  readonly orderBy: string;
}

export interface CompileOptions {
  readonly timezone: string;
  readonly range: ResolvedRange;
  readonly limit: number;
  readonly offset: number;
  /** Read the range's events and visits from tables built once for a batch (see prepare.ts). */
  readonly prepared?: PreparedTables;
  /** Bind into these parameters (a batch compiles several questions into one statement). */
  readonly params?: SqlParams;
  /** The site's goals, when the query names goals (`event:goal`) or asks revenue goal metrics. */
  readonly goals?: readonly Goal[];
  /**
   * Read visits from the dialect's write-time rollup, with the range's straddling visits rebuilt
   * within these bounds (rollup-visits.ts). Absent: visits are rebuilt from the range's events.
   */
  readonly visitEdges?: VisitEdges;
}

/** Tables (a batch's shared CTEs) holding one site's events in range (`ev` columns) and its visits (`sess` columns). */
export interface PreparedTables {
  readonly events: string;
  readonly visits: string;
  /** Whether the events table carries prop_keys / prop_values. */
  readonly withProps: boolean;
}

/** The scan of one site's events in a range: ids hashed, only the columns asked for. */
export function scanSql(
  d: SqlDialect,
  columns: Iterable<string>,
  site: string,
  start: string,
  end: string,
): string {
  return d.scanEvents([...columns], site, start, end);
}

/** One row per visit from the scanned events `from`, with the visit expressions the fields asked for. */
export function visitsSql(fields: FieldContext, from: string): string {
  const raw = [...fields.sessionFields].map(([name, sql]) => `${sql} AS ${name}`);
  if (fields.entryRecord.size > 0)
    raw.push(`${fields.d.argMinRecord([...fields.entryRecord], 'ts')} AS entry`);
  const rawSql = `(SELECT session_id${raw.length ? ', ' : ''}${raw.join(', ')} FROM ${from} GROUP BY session_id)`;
  return visitLayerSql(fields, rawSql);
}

/** The visit expressions over raw visit rows (`rawSql`, parenthesised), source in a layer of its own. */
function visitLayerSql(fields: FieldContext, rawSql: string): string {
  const visit = [...fields.visitExprs].map(([name, sql]) => `${sql} AS ${name}`);
  const layered = fields.sourceLayer
    ? `(SELECT raw.*, ${fields.sourceLayer} AS src FROM ${rawSql} raw)`
    : rawSql;
  return `SELECT raw.session_id, ${visit.join(', ')} FROM ${layered} raw`;
}

/**
 * One row per visit read from the write-time rollup (see rollup-visits.ts for the range-edge
 * rule); `fields` built with `visitsFromRollup`.
 */
export function rollupVisitsSql(
  fields: FieldContext,
  site: string,
  start: string,
  end: string,
  edges: VisitEdges,
): string {
  const d = fields.d;
  if (d.visitRollup === 'buckets' && d.visitRollupTable) {
    // No CTEs on ClickHouse 18.16: the visit expressions over the raw rows, as visitsSql layers them.
    return visitLayerSql(fields, `(${bucketVisitsRawSql(fields, d.visitRollupTable, site, start, end)})`);
  }
  return classifiedVisitsSql(fields, rollupRawVisitsSql(fields, fields.params, site, start, end, edges));
}

/**
 * The rollup edges to read visits with for this range, or undefined to rebuild them from events:
 * a dialect with a rollup the engine found ready (`edges` given); a bucketed rollup only for
 * ranges on bucket boundaries (every local day).
 */
export function usableRollup(
  d: SqlDialect,
  range: ResolvedRange,
  edges: VisitEdges | undefined,
): VisitEdges | undefined {
  if (!d.visitRollup || !edges) return undefined;
  if (d.visitRollup === 'buckets' && !bucketAligned(range)) return undefined;
  return edges;
}

/**
 * `visitsSql` for a batch's shared visits on a dialect whose scan can return `event_row` (a number
 * unique to each event; FieldContext built with `entryColumns`): `events` is the materialized
 * events table, `entryScan` a scan of the same events with `event_row` and the entry fields' columns.
 * Same rows, cheaper for large sites (560k events, 190k visits: the whole page's CPU went from
 * ~0.70 to ~0.62 s, see docs/performance.md):
 * - the first event's fields come from joining back the row `arg_min(event_row, ts)` picks,
 *   instead of an arg-min of a record of nine strings (which serialises every candidate record);
 * - source and channel (a long CASE with regular expressions) are computed once per distinct
 *   (referrer host, UTM source, UTM medium, hostname, query) and joined back by those values,
 *   not once per visit: 190k visits have ~20k such tuples.
 */
export function joinedVisitsSql(fields: FieldContext, events: string, entryScan: string): string {
  const raw = [...fields.sessionFields].map(([name, sql]) => `${sql} AS ${name}`);
  const entry = [...fields.entryRecord];
  const grouped = `SELECT session_id${raw.map((r) => `, ${r}`).join('')}${entry.length > 0 ? `, ${fields.d.argMin('event_row', 'ts')} AS entry_row` : ''} FROM ${events} GROUP BY session_id`;
  const rawSql =
    entry.length > 0
      ? `SELECT g.*, ${entry.map(([name]) => `f.${name}`).join(', ')} FROM (${grouped}) g JOIN (SELECT event_row, ${entry.map(([name, column]) => `${column} AS ${name}`).join(', ')} FROM (${entryScan}) entry) f ON f.event_row = g.entry_row`
      : grouped;
  return classifiedVisitsSql(fields, rawSql);
}

/**
 * The visit expressions over raw visit rows (`rawSql`: a column per session/entry field), with
 * source and channel (a long CASE with regular expressions) computed once per distinct
 * (referrer host, UTM source, UTM medium, hostname, query) and joined back by those values, not
 * once per visit: 190k visits have ~20k such tuples.
 */
function classifiedVisitsSql(fields: FieldContext, rawSql: string): string {
  const bySource = [...fields.visitExprs].filter(([name]) => fields.sourceVisitNames.has(name));
  const perVisit = [...fields.visitExprs].filter(([name]) => !fields.sourceVisitNames.has(name));
  const columns = [
    'raw.session_id',
    ...perVisit.map(([name, sql]) => `${sql} AS ${name}`),
    ...bySource.map(([name]) => `c.${name}`),
  ];
  if (bySource.length === 0 || !fields.sourceLayer) {
    return `WITH zv_visit_raw AS (${rawSql}) SELECT ${columns.join(', ')} FROM zv_visit_raw raw`;
  }
  const keys = sourceInputFields;
  const distinct = `SELECT DISTINCT ${keys.join(', ')} FROM zv_visit_raw`;
  const classified = `SELECT raw.*, ${bySource.map(([name, sql]) => `${sql} AS ${name}`).join(', ')} FROM (SELECT raw.*, ${fields.sourceLayer} AS src FROM (${distinct}) raw) raw`;
  const on = keys.map((k) => `c.${k} IS NOT DISTINCT FROM raw.${k}`).join(' AND ');
  return `WITH ${fields.d.materializedCte('zv_visit_raw', rawSql)}, ${fields.d.materializedCte('zv_visit_sources', classified)} SELECT ${columns.join(', ')} FROM zv_visit_raw raw JOIN zv_visit_sources c ON ${on}`;
}

/** Metrics a visit row answers alone (counts, bounce, duration). */
const visitRowMetrics = new Set<Metric>([
  'visitors',
  'visits',
  'pageviews',
  'events',
  'views_per_visit',
  'bounce_rate',
  'visit_duration',
]);

/** Event-scoped goal conditions, dropped from the filters of conversion-rate denominators. */
function isGoalLeaf(filter: Filter): boolean {
  return 'dimension' in filter && isGoalDimension(filter.dimension);
}

/**
 * The revenue goals a query's top-level `event:goal` filters name (is / contains): the goals whose
 * currency a query without the `event:goal` dimension reports revenue in.
 */
export function filteredRevenueGoals(query: StatsQuery, goals: readonly Goal[]): Goal[] {
  const named = new Map<string, Goal>();
  for (const filter of query.filters) {
    if (!('dimension' in filter) || filter.dimension !== 'event:goal') continue;
    if (filter.op !== 'is' && filter.op !== 'contains') continue;
    for (const goal of goalsNamed(goals, filter.op, filter.values)) named.set(goal.id, goal);
  }
  return [...named.values()].filter((goal) => goal.currency !== null);
}

function isVisitFilter(filter: Filter): boolean {
  if ('dimension' in filter) return filter.dimension.startsWith('visit:');
  // Behaviour (has_done) is tested on the event rows' session ids (fields.ts): it needs the events.
  if ('filter' in filter) return filter.op === 'not' && isVisitFilter(filter.filter);
  return filter.filters.every(isVisitFilter);
}

function isGoalDimension(dimension: Dimension): boolean {
  return (
    dimension === 'event:name' || dimension === 'event:goal' || dimension.startsWith(propDimensionPrefix)
  );
}

function dimensionList(count: number, alias = ''): string[] {
  return Array.from({ length: count }, (_, i) => `${alias}d${i}`);
}

function groupBy(columns: readonly string[]): string {
  return columns.length > 0 ? ` GROUP BY ${columns.join(', ')}` : '';
}

export function compileStatsQuery(
  query: StatsQuery,
  d: SqlDialect,
  options: CompileOptions,
): CompiledStatement {
  const params = options.params ?? new SqlParams(d);
  const goals = options.goals ?? [];
  // A field the rollup does not keep (visit:referrer): visits rebuilt from the range's events.
  const edges = needsVisitsFromEvents([query])
    ? undefined
    : usableRollup(d, options.range, options.visitEdges);
  const fields = new FieldContext(d, params, options.timezone, options.range, {
    goals,
    visitsFromRollup: edges !== undefined,
  });
  const metrics = new Set<Metric>(query.metrics);

  const dims = query.dimensions.map((dim) => fields.dimension(dim));
  const dimCols = dimensionList(dims.length);
  const goalDimension = query.dimensions.indexOf('event:goal');
  // With goals as a dimension, events that complete no goal are dropped before they are expanded.
  const whereFilters: Filter[] = [...query.filters];
  // A pageview is not a conversion: an event-name breakdown of conversion rates lists custom events.
  if (metrics.has('conversion_rate') && query.dimensions.includes('event:name')) {
    whereFilters.push({ op: 'is_not', dimension: 'event:name', values: ['pageview'] });
  }
  const goalPrune = goalDimension >= 0 ? fields.anyGoal(goals) : null;
  const filtered = whereFilters.length > 0 ? fields.filter({ op: 'and', filters: whereFilters }) : null;
  const where =
    filtered && goalPrune ? `(${filtered} AND ${goalPrune})` : (filtered ?? goalPrune ?? d.trueLiteral);
  const perVisit = metrics.has('bounce_rate') || metrics.has('visit_duration');
  const visitMetrics = perVisit ? fields.bounceAndDuration() : null;

  // Sums of the amounts as sent, per currency (no conversion): the revenue map.
  const revenue = metrics.has('revenue');
  const goalRevenue = goalRevenueMetrics.some((m) => metrics.has(m));
  if (revenue || goalRevenue) {
    fields.eventColumns.add('revenue_e4');
    fields.eventColumns.add('revenue_currency');
  }
  const target = goalRevenue
    ? revenueTarget(d, params, goals, goalDimension >= 0, filteredRevenueGoals(query, goals), (some) =>
        fields.anyGoal(some),
      )
    : null;

  // Conversion denominators: the same rows without the goal (event name / property) conditions.
  const conversion = metrics.has('conversion_rate') || metrics.has('revenue_per_visitor');
  const convDims = query.dimensions.flatMap((dim, i) =>
    isGoalDimension(dim) ? [] : [{ expr: dims[i], col: `d${i}` }],
  );
  const convFilters = query.filters.filter((f) => !isGoalLeaf(f));
  const convWhere =
    conversion && convFilters.length > 0 ? fields.filter({ op: 'and', filters: convFilters }) : d.trueLiteral;

  // With the rollup, visit counts over visit dimensions and filters read the visit rows (a third
  // as many rows as the events, and no per-query hashing of every event's session id).
  const visitQuestion =
    query.dimensions.every(FieldContext.isVisitDimension) && query.filters.every(isVisitFilter);
  if (edges && visitQuestion && query.metrics.every((m) => visitRowMetrics.has(m))) fields.visitTotals();

  // A question only about visits (visit dimensions and filters, visit metrics) is answered from
  // one row per visit, without joining the visits back to their events.
  const visitOnly = fields.needsSessions && !revenue && !goalRevenue && !conversion && visitQuestion;
  const totals = visitOnly ? fields.visitTotals() : null;

  // Named subqueries: CTEs, or written inline where read when the dialect has none.
  const ctes: Array<readonly [string, string]> = [];
  const define = (name: string, sql: string): void => {
    ctes.push([name, sql]);
  };
  const ref = (name: string): string => {
    if (!d.inlineCtes) return name;
    const found = ctes.find(([cte]) => cte === name);
    if (!found) throw new Error(`no subquery ${name}`);
    return `(${found[1]})`;
  };
  const prepared = options.prepared;
  if (prepared && !prepared.withProps && fields.eventColumns.has('prop_keys')) {
    throw new Error('the prepared events table has no properties');
  }
  if (!prepared) {
    const site = params.bind(query.siteId, 'string');
    const start = params.bind(options.range.startMs, 'int');
    const end = params.bind(options.range.endMs, 'int');
    define('ev', scanSql(d, fields.eventColumns, site, start, end));
    if (fields.needsSessions) {
      const visits = edges ? rollupVisitsSql(fields, site, start, end, edges) : visitsSql(fields, ref('ev'));
      define('sess', withEngagementEnd(fields, visits, site, start, options.range.endMs));
    }
  }
  const ev = prepared?.events ?? ref('ev');
  const sess = fields.needsSessions ? (prepared?.visits ?? ref('sess')) : '';
  const join = fields.needsSessions ? ` JOIN ${sess} s ON s.session_id = e.session_id` : '';
  const isPageview = "event_type = 'pageview'";
  if (totals) {
    const aggregates = [
      `count(DISTINCT ${totals.visitor}) AS visitors`,
      'count(*) AS visits',
      `coalesce(sum(${totals.pageviews}), 0) AS pageviews`,
      `coalesce(sum(${totals.events}), 0) AS events`,
      ...(visitMetrics
        ? [
            `avg(CASE WHEN ${visitMetrics.bounce} THEN 1.0 ELSE 0.0 END) AS bounce`,
            `avg(${visitMetrics.duration}) AS duration`,
          ]
        : []),
    ];
    define(
      'agg',
      `SELECT ${[...dims.map((expr, i) => `${expr} AS d${i}`), ...aggregates].join(', ')} FROM ${sess} s WHERE ${where}${groupBy(dimCols)}`,
    );
  } else {
    const matchedCols = [
      ...dims.map((expr, i) => `${expr} AS d${i}`),
      'e.session_id',
      'e.visitor_id',
      'e.event_type',
      ...(visitMetrics
        ? [`${visitMetrics.bounce} AS is_bounce`, `${visitMetrics.duration} AS duration`]
        : []),
      ...(revenue ? ['e.revenue_e4 AS amount', 'e.revenue_currency AS currency'] : []),
      ...(goalRevenue
        ? [
            'e.revenue_e4 AS rev_e4',
            'e.revenue_currency AS rev_cur',
            `${d.utcDay('e.ts')} AS rev_day`,
            ...(target?.currencyOverEvent ? [`${target.currencyOverEvent} AS tcur`] : []),
          ]
        : []),
    ];
    define('matched', `SELECT ${matchedCols.join(', ')} FROM ${ev} e${join} WHERE ${where}`);
    if (perVisit) {
      define(
        'per_visit',
        `SELECT ${[...dimCols, 'session_id'].join(', ')}, ${d.anyValue('visitor_id')} AS visitor_id, ${d.countIf(isPageview)} AS pageviews, count(*) AS events, ${d.anyValue('is_bounce')} AS is_bounce, ${d.anyValue('duration')} AS duration FROM ${ref('matched')}${groupBy([...dimCols, 'session_id'])}`,
      );
      define(
        'agg',
        `SELECT ${[...dimCols, 'count(DISTINCT visitor_id) AS visitors', 'count(*) AS visits', 'coalesce(sum(pageviews), 0) AS pageviews', 'coalesce(sum(events), 0) AS events', 'avg(CASE WHEN is_bounce THEN 1.0 ELSE 0.0 END) AS bounce', 'avg(duration) AS duration'].join(', ')} FROM ${ref('per_visit')}${groupBy(dimCols)}`,
      );
    } else {
      define(
        'agg',
        `SELECT ${[...dimCols, 'count(DISTINCT visitor_id) AS visitors', 'count(DISTINCT session_id) AS visits', `${d.countIf(isPageview)} AS pageviews`, 'count(*) AS events'].join(', ')} FROM ${ref('matched')}${groupBy(dimCols)}`,
      );
    }
  }
  if (revenue) {
    define(
      'rev',
      `SELECT ${[...dimCols, `${d.pairList('currency', 'total')} AS revenue`].join(', ')} FROM (SELECT ${[...dimCols, 'currency', 'sum(amount) AS total'].join(', ')} FROM ${ref('matched')} WHERE currency <> ''${groupBy([...dimCols, 'currency'])}) r${groupBy(dimCols)}`,
    );
  }
  if (goalRevenue && target) {
    const goalColumn = goalDimension >= 0 ? `d${goalDimension}` : null;
    defineGoalRevenue(d, ref('matched'), dimCols, goalColumn, target, define, ref);
  }
  const convCols = convDims.map((c) => c.col);
  if (conversion) {
    // In a batch, a denominator over visits alone (visit dimensions and filters only) counts the
    // batch's visit rows instead of the events: the same visitors (each has a visit in the range),
    // a third of the rows on a typical site.
    const fromVisits =
      prepared !== undefined &&
      query.dimensions.every((dim) => isGoalDimension(dim) || FieldContext.isVisitDimension(dim)) &&
      convFilters.every(isVisitFilter);
    const visitor = fromVisits ? `${fields.visitTotals().visitor} AS visitor_id` : 'e.visitor_id';
    const select = [...convDims.map((c) => `${c.expr} AS ${c.col}`), visitor];
    const source = fromVisits ? `${sess || prepared.visits} s` : `${ev} e${join}`;
    define(
      'conv',
      `SELECT ${[...convCols, 'count(DISTINCT visitor_id) AS total_visitors'].join(', ')} FROM (SELECT ${select.join(', ')} FROM ${source} WHERE ${convWhere}) c${groupBy(convCols)}`,
    );
  }

  // Time on page and scroll depth, per dimension tuple, from the engaged pageviews (engagement.ts).
  const engagement = asksEngagement(query)
    ? engagementJoin(d, params, {
        siteId: query.siteId,
        startMs: options.range.startMs,
        events: ev,
        sess,
        dims,
        where:
          query.filters.length > 0 ? fields.filter({ op: 'and', filters: query.filters }) : d.trueLiteral,
      })
    : null;
  if (engagement) define('eng', engagement.sql);

  const a = (column: string) => d.qualify('a', column);
  const metricSql: Record<Metric, string> = {
    time_on_page: engagement?.metricSql.time_on_page ?? 'NULL',
    scroll_depth: engagement?.metricSql.scroll_depth ?? 'NULL',
    visitors: a('visitors'),
    visits: a('visits'),
    pageviews: a('pageviews'),
    events: a('events'),
    views_per_visit: `CASE WHEN ${a('visits')} > 0 THEN ${a('pageviews')} * 1.0 / ${a('visits')} END`,
    bounce_rate: `${a('bounce')} * 100.0`,
    visit_duration: a('duration'),
    conversion_rate: `CASE WHEN ${d.qualify('c', 'total_visitors')} > 0 THEN ${a('visitors')} * 100.0 / ${d.qualify('c', 'total_visitors')} END`,
    revenue: d.qualify('r', 'revenue'),
    // In ten-thousandths of the goal's currency, for ordering; results.ts turns the x_rev_*
    // columns (below) into exact decimal text.
    total_revenue: `coalesce(${d.qualify('gr', 'total_e4')}, 0)`,
    average_revenue: `CASE WHEN ${d.qualify('gr', 'conv_n')} > 0 THEN ${d.qualify('gr', 'total_e4')} / ${d.qualify('gr', 'conv_n')} END`,
    revenue_per_visitor: `CASE WHEN ${d.qualify('c', 'total_visitors')} > 0 THEN coalesce(${d.qualify('gr', 'total_e4')}, 0) / ${d.qualify('c', 'total_visitors')} END`,
  };
  const metricColumns = query.metrics.map((m) => `m_${m}`);
  const columns: Array<readonly [string, string]> = [
    ...query.dimensions.map((dim, i): readonly [string, string] => [
      `d${i}`,
      dim.startsWith('time:') ? d.timeBucketLabel(a(`d${i}`), dim.slice(5) as TimeBucket) : a(`d${i}`),
    ]),
    ...query.metrics.map((m): readonly [string, string] => [`m_${m}`, metricSql[m]]),
    ...(goalRevenue && target
      ? goalRevenueColumns(d, target, goalDimension >= 0 ? a(`d${goalDimension}`) : null, conversion)
      : []),
  ];
  const joins = [
    ...(revenue ? [{ table: ref('rev'), alias: 'r', keys: dimCols }] : []),
    ...(conversion ? [{ table: ref('conv'), alias: 'c', keys: convCols }] : []),
    ...(engagement ? [{ table: ref('eng'), alias: 'g', keys: dimCols }] : []),
    ...(goalRevenue
      ? [
          { table: ref('grt'), alias: 'gr', keys: dimCols },
          { table: ref('gun'), alias: 'gu', keys: dimCols },
        ]
      : []),
  ];

  const order = orderBy(query, metricColumns);
  const limit = params.bind(options.limit, 'int');
  const offset = params.bind(options.offset, 'int');
  // Goal revenue reads the matched events a second time (and its conversions twice): compute once.
  const materialized = goalRevenue ? new Set(['matched', 'gconv']) : undefined;
  const statement = d.finalStatement({
    ctes,
    columns,
    agg: ref('agg'),
    joins,
    orderBy: order,
    limit,
    offset,
    ...(materialized ? { materialized } : {}),
  });
  // Behavioural filters (has_done) read the same events table as the statement (fields.ts).
  const sql = statement.includes(eventsTableMarker) ? statement.replaceAll(eventsTableMarker, ev) : statement;
  return { sql, params: params.values, metricColumns, orderBy: order, readsVisits: fields.needsSessions };
}

/** The columns results.ts shapes goal revenue from (`x_rev_*`): exact parts of the metrics. */
function goalRevenueColumns(
  d: SqlDialect,
  target: { currencyOfGoalColumn: ((column: string) => string) | null; fixedCurrency: string },
  goalColumn: string | null,
  withVisitors: boolean,
): Array<readonly [string, string]> {
  const currency =
    target.currencyOfGoalColumn && goalColumn
      ? target.currencyOfGoalColumn(goalColumn)
      : d.stringLiteral(target.fixedCurrency);
  return [
    ['x_rev_total', `coalesce(${d.qualify('gr', 'total_e4')}, 0)`],
    ['x_rev_n', `coalesce(${d.qualify('gr', 'conv_n')}, 0)`],
    ['x_rev_currency', currency],
    ['x_rev_unconverted', d.qualify('gu', 'unconverted')],
    ['x_rev_visitors', withVisitors ? `coalesce(${d.qualify('c', 'total_visitors')}, 0)` : '0'],
  ];
}

/** Requested order, then time ascending / first metric descending, then every dimension for stable pages. */
function orderBy(query: StatsQuery, metricColumns: readonly string[]): string {
  const column = (key: string): string => {
    const dim = query.dimensions.indexOf(key as Dimension);
    return dim >= 0 ? `d${dim}` : `m_${key}`;
  };
  const terms = query.orderBy.map(
    (o) => `${column(o.key)} ${o.direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`,
  );
  if (terms.length === 0) {
    query.dimensions.forEach((dim, i) => {
      if (dim.startsWith('time:')) terms.push(`d${i} ASC`);
    });
    const first = query.metrics.find((m) => m !== 'revenue');
    if (first) terms.push(`${column(first)} DESC NULLS LAST`);
  }
  query.dimensions.forEach((_, i) => {
    terms.push(`d${i} ASC`);
  });
  return terms.length > 0 ? terms.join(', ') : (metricColumns[0] ?? '1');
}
