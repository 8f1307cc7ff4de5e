/**
 * Revenue of a funnel whose last step is a revenue goal: the revenue of the events that completed
 * it (each completing visitor's last-step events at the earliest time a chain of theirs reached
 * the last step), converted into the goal's currency by the stats' own revenue CTEs
 * (stats/goal-revenue.ts: exact sums per day, the day's exchange rate, unconverted amounts listed).
 * Revenue per entering visitor divides it by the visitors of step 1.
 */
import type { SqlDialect } from '../stats/dialect.ts';
import type { SqlRunner } from '../stats/engine.ts';
import { defineGoalRevenue } from '../stats/goal-revenue.ts';
import { metricValue } from '../stats/results.ts';
import { SqlParams } from '../stats/sql-params.ts';
import type { RevenueValue } from '../stats/types.ts';
import { clickHouseChainSql } from './chain-clickhouse.ts';
import { duckDbChainSql } from './chain-duckdb.ts';
import { funnelEventsSql } from './funnel-events.ts';
import type { FunnelSqlInput } from './funnel-sql.ts';

export interface FunnelRevenue {
  /** The revenue goal's currency. */
  currency: string;
  /** Revenue of the completing events, in the goal currency (null without a currency). */
  total: RevenueValue | null;
  per_entering_visitor: RevenueValue | null;
}

export function compileFunnelRevenue(d: SqlDialect, input: FunnelSqlInput, currency: string) {
  const params = new SqlParams(d);
  const events = funnelEventsSql(d, params, input);
  const n = input.steps.length;
  const spec = { steps: n, windowMs: input.windowMs, strict: input.strict };
  const lastBit = d.name === 'clickhouse' ? `bitTest(m, ${n - 1}) = 1` : `(m & ${2 ** (n - 1)}) <> 0`;
  const tcur = d.stringLiteral(currency);
  const ctes: Array<readonly [string, string]> = [];
  const define = (name: string, sql: string) => {
    ctes.push([name, sql]);
  };
  const ref = (name: string): string => {
    if (!d.inlineCtes) return name;
    const found = ctes.find(([cte]) => cte === name);
    if (!found) throw new Error(`no subquery ${name}`);
    return `(${found[1]})`;
  };
  let completing: string;
  if (d.name === 'clickhouse') {
    // One `done` row per visitor, so ALL keeps every completing event at that time. Not ANY: since
    // 20.x (any_join_distinct_right_table_keys=0) ANY INNER keeps one row per key on both sides, and
    // would count one of two events at the same moment. Both sides named (current releases require it).
    const done = `SELECT vid, done_t AS t FROM (${clickHouseChainSql(events, spec)}) WHERE level = ${n}`;
    completing = `SELECT rev_e4, rev_cur, rev_day, ${tcur} AS tcur FROM (SELECT vid, t, rev_e4, rev_cur, rev_day FROM (${events}) WHERE ${lastBit}) fe ALL INNER JOIN (${done}) fd USING (vid, t)`;
  } else {
    const chain = duckDbChainSql('zv_fe', spec, 'window');
    define('zv_fe', events);
    for (const [name, sql] of chain.ctes) define(name, sql);
    define('zv_levels', chain.sql);
    completing = `SELECT f.rev_e4, f.rev_cur, f.rev_day, ${tcur} AS tcur FROM zv_levels l JOIN zv_fe f ON f.vid = l.vid AND f.t = l.done_t WHERE l.level = ${n} AND ${lastBit.replace('m', 'f.m')}`;
  }
  define('zv_completing', completing);
  const target = { currencyOfGoalColumn: null, currencyOverEvent: tcur, fixedCurrency: currency };
  defineGoalRevenue(d, ref('zv_completing'), [], null, target, define, ref);
  const select = `SELECT gr.total_e4 AS x_rev_total, gr.conv_n AS x_rev_n, gu.unconverted AS x_rev_unconverted FROM ${ref('grt')} gr CROSS JOIN ${ref('gun')} gu`;
  const sql = d.inlineCtes
    ? select
    : `WITH ${ctes.map(([name, body]) => d.materializedCte(name, body)).join(',\n')}\n${select}`;
  return { sql, params: params.values };
}

/** Runs the revenue statement; the answer is completed with the entering visitors once known. */
export async function funnelRevenue(
  d: SqlDialect,
  runner: SqlRunner,
  input: FunnelSqlInput,
  currency: string,
): Promise<(entering: number, _breakdown: boolean) => FunnelRevenue> {
  const statement = compileFunnelRevenue(d, input, currency);
  const [row] = await runner.all(statement.sql, statement.params);
  const base = { ...row, x_rev_currency: currency };
  return (entering) => ({
    currency,
    total: metricValue('total_revenue', null, base) as RevenueValue | null,
    per_entering_visitor: metricValue('revenue_per_visitor', null, {
      ...base,
      x_rev_visitors: entering,
    }) as RevenueValue | null,
  });
}
