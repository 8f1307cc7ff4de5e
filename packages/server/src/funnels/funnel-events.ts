/**
 * The funnel's events as SQL, shared by both engines: the site's events in range that match any
 * step (and, in strict mode, every pageview, since those can break a chain), after the stats
 * query's filters, one row each:
 *   vid  the visitor (hashed as the stats scan hashes it)
 *   t    the time in epoch milliseconds
 *   m    the steps the event matches, as bits (bit k-1 = step k)
 *   pv   1 for a pageview, else 0
 *   b    the breakdown value of the event's visit ('' without a breakdown)
 * Steps are goals' conditions (stats/goal-conditions.ts) and filters and visit dimensions come
 * from the stats FieldContext, so a funnel step, a goal and a stats filter mean the same thing.
 */
import type { Goal } from '../goals/types.ts';
import { scanSql, visitsSql } from '../stats/compile.ts';
import type { SqlDialect } from '../stats/dialect.ts';
import { FieldContext } from '../stats/fields.ts';
import type { SqlParams } from '../stats/sql-params.ts';
import type { Dimension, Filter, ResolvedRange } from '../stats/types.ts';

export interface FunnelEventsInput {
  readonly siteId: string;
  readonly range: ResolvedRange;
  readonly timezone: string;
  /** Each step as the goal-like condition it is (a page or event step is an unsaved goal). */
  readonly steps: readonly Goal[];
  readonly strict: boolean;
  readonly filters: readonly Filter[];
  readonly breakdown: Dimension | null;
  /** The site's goals, for `event:goal` filters. */
  readonly goals: readonly Goal[];
  /** Carry the revenue columns (rev_e4, rev_cur, rev_day): the last step is a revenue goal. */
  readonly revenue: boolean;
}

/** A time later than any event's (epoch ms, year ~128000): "not reached" in the chain SQL. */
export const neverMs = 4_000_000_000_000_000;

export function funnelEventsSql(d: SqlDialect, params: SqlParams, input: FunnelEventsInput): string {
  const fields = new FieldContext(d, params, input.timezone, input.range, { goals: input.goals });
  const conditions = input.steps.map((step) => fields.goalCondition(step));
  const filter = input.filters.length > 0 ? fields.filter({ op: 'and', filters: input.filters }) : null;
  const breakdown = input.breakdown ? fields.dimension(input.breakdown) : "''";
  if (input.revenue) {
    fields.eventColumns.add('revenue_e4');
    fields.eventColumns.add('revenue_currency');
  }
  const site = params.bind(input.siteId, 'string');
  const start = params.bind(input.range.startMs, 'int');
  const end = params.bind(input.range.endMs, 'int');
  const events = scanSql(d, fields.eventColumns, site, start, end);
  const join = fields.needsSessions
    ? ` JOIN (${visitsSql(fields, `(${events})`)}) s ON s.session_id = e.session_id`
    : '';
  const mask = conditions
    .map((condition, i) => `(CASE WHEN ${condition} THEN ${2 ** i} ELSE 0 END)`)
    .join(' + ');
  const isPageview = "e.event_type = 'pageview'";
  const columns = [
    'e.visitor_id AS vid',
    `${d.epochMs('e.ts')} AS t`,
    `(${mask}) AS m`,
    `(CASE WHEN ${isPageview} THEN 1 ELSE 0 END) AS pv`,
    `${breakdown} AS b`,
    ...(input.revenue
      ? ['e.revenue_e4 AS rev_e4', 'e.revenue_currency AS rev_cur', `${d.utcDay('e.ts')} AS rev_day`]
      : []),
  ];
  const relevant = input.strict
    ? `(${conditions.join(' OR ')} OR ${isPageview})`
    : `(${conditions.join(' OR ')})`;
  const where = filter ? `${filter} AND ${relevant}` : relevant;
  return `SELECT ${columns.join(', ')} FROM (${events}) e${join} WHERE ${where}`;
}
