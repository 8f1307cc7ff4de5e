/**
 * Visits read from the write-time rollup (issue 16; `visits`, maintained by the log loader in the
 * events' transaction, store/duckdb/visit-rollup.ts) instead of being rebuilt from every event
 * of the range.
 *
 * The range-edge rule is EXACT: a visit counts with the events it has inside [start, end), as
 * when visits were rebuilt from the range's events. Visits wholly inside the range are read from
 * their rollup row as stored. The few that straddle an edge (started before `start`, or still
 * going at `end`: a visit across midnight for a daily range) are rebuilt from their in-range
 * events. To keep that rebuild from scanning the whole range, the engine first asks the rollup
 * where the straddlers' in-range events can be (`rollupEdgesSql`): after `start` only until the
 * last end of a visit that began before it, and before `end` only from the first start of a visit
 * still going at `end`. Both statements run in one read transaction (one snapshot), so a visit the
 * loader extends in between is never counted from two different states.
 */
import type { FieldContext, SessionField } from './fields.ts';
import { sessionFieldSql } from './fields.ts';
import type { SqlParams } from './sql-params.ts';

/** Where a range's straddling visits have their in-range events (ms since the epoch, inclusive). */
export interface VisitEdges {
  /** The latest end among visits that began before the range and reach into it. */
  readonly startUntilMs: number | null;
  /** The earliest start among visits that begin in the range and go on past its end. */
  readonly endFromMs: number | null;
  /**
   * The straddlers' session ids when there are at most `maxListedStraddlers` (bound into the
   * statement, which then need not scan the rollup again to find them); otherwise null.
   */
  readonly sessions?: readonly string[] | null;
}

/** Beyond this many straddlers the statement finds them itself (a subquery on the rollup). */
export const maxListedStraddlers = 2_000;

/** The rollup's column (DuckDB `visits`) holding each aggregate session field of a visit. */
function rollupSessionColumn(fields: FieldContext, name: SessionField): string {
  const d = fields.d;
  switch (name) {
    case 'visitor':
      return d.hashId('visitor_id');
    case 'first_ms':
      return d.epochMs('first_ts');
    case 'last_ms':
      return d.epochMs('last_ts');
    case 'entry_page':
    case 'exit_page':
    case 'pageviews':
    case 'customs':
    case 'quiet_customs':
      return name;
    default:
      throw new Error(`${name} is an entry field`);
  }
}

/** Visits that overlap [start, end) without lying wholly inside it. */
function straddlersWhere(fields: FieldContext, site: string, start: string, end: string): string {
  const ts = fields.d.timestampFromMs;
  return `site_id = ${site} AND last_ts >= ${ts(start)} AND first_ts < ${ts(end)} AND (first_ts < ${ts(start)} OR last_ts >= ${ts(end)})`;
}

/** One row: whether the rollup is built, and the range's `VisitEdges` (`start_until`, `end_from`). */
export function rollupEdgesSql(fields: FieldContext, site: string, start: string, end: string): string {
  const d = fields.d;
  const ts = d.timestampFromMs;
  return `SELECT (SELECT built FROM rollup_state WHERE name = 'visits') AS built, ${d.epochMs(`max(last_ts) FILTER (WHERE first_ts < ${ts(start)})`)} AS start_until, ${d.epochMs(`min(first_ts) FILTER (WHERE last_ts >= ${ts(end)})`)} AS end_from, count(*) AS straddlers, CASE WHEN count(*) <= ${maxListedStraddlers} THEN to_json(list(session_id)) END AS sessions FROM visits WHERE ${straddlersWhere(fields, site, start, end)}`;
}

/**
 * The raw visit rows of [start, end): one per visit, with a column per session field and entry
 * field the query asked for (named as FieldContext names them), `session_id` hashed as the events
 * scan hashes it. `fields` must be built with `visitsFromRollup`.
 */
export function rollupRawVisitsSql(
  fields: FieldContext,
  params: SqlParams,
  site: string,
  start: string,
  end: string,
  edges: VisitEdges,
): string {
  const d = fields.d;
  const ts = d.timestampFromMs;
  const sessionNames = [...fields.sessionFields.keys()];
  const entries = [...fields.entryRecord];
  const stored = [
    `${d.hashId('session_id')} AS session_id`,
    ...sessionNames.map((name) => `${rollupSessionColumn(fields, name)} AS ${name}`),
    ...entries.map(([name, column]) => `${column} AS ${name}`),
  ];
  const inside = `SELECT ${stored.join(', ')} FROM visits WHERE site_id = ${site} AND first_ts >= ${ts(start)} AND last_ts < ${ts(end)}`;
  if (edges.startUntilMs === null && edges.endFromMs === null) return inside;

  // The straddlers, rebuilt from their events in range (a handful of visits per edge).
  const scanned = new Set(['ts', 'session_id', 'visitor_id', 'event_type', 'pathname']);
  if (sessionNames.includes('quiet_customs')) scanned.add('interactive');
  for (const [, column] of entries) scanned.add(column);
  const columns = [...scanned].map((c) =>
    c === 'session_id' || c === 'visitor_id' ? `${d.hashId(c)} AS ${c}` : c,
  );
  const listed = edges.sessions?.map((id) => params.bind(id, 'string'));
  const straddlers = listed
    ? `session_id IN (${listed.join(', ')})`
    : `session_id IN (SELECT session_id FROM visits WHERE ${straddlersWhere(fields, site, start, end)})`;
  // Two disjoint windows inside the range, each a plain time range the scan skips row groups by.
  const inRange = `site_id = ${site} AND ts >= ${ts(start)} AND ts < ${ts(end)}`;
  const scan = (bounds: string) =>
    `SELECT ${columns.join(', ')} FROM events WHERE ${inRange}${bounds} AND ${straddlers}`;
  const windows: string[] = [];
  const startUntil = edges.startUntilMs === null ? null : params.bind(edges.startUntilMs, 'int');
  if (startUntil) windows.push(scan(` AND ts <= ${ts(startUntil)}`));
  if (edges.endFromMs !== null) {
    const endFrom = params.bind(edges.endFromMs, 'int');
    windows.push(scan(` AND ts >= ${ts(endFrom)}${startUntil ? ` AND ts > ${ts(startUntil)}` : ''}`));
  }
  const rebuilt = [
    'session_id',
    ...sessionNames.map((name) => `${sessionFieldSql(d, name)} AS ${name}`),
    ...entries.map(([name, column]) => `${d.argMin(column, 'ts')} AS ${name}`),
  ];
  const edgeVisits = `SELECT ${rebuilt.join(', ')} FROM (${windows.join(' UNION ALL ')}) straddling GROUP BY session_id`;
  return `${inside} UNION ALL ${edgeVisits}`;
}
