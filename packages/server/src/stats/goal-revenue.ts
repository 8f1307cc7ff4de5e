/**
 * Revenue of revenue goals, in the goal's currency, as named subqueries over `matched` (compile.ts). Each
 * event's amount is converted at its UTC day's rate from `fx_rates`:
 *   grev   exact sums per (row, target currency, source currency, day)
 *   gconv  each sum converted: same currency as is; else × (target per EUR ÷ source per EUR),
 *          rounded to ten-thousandths; NULL when either rate is missing
 *   grt    per row: converted total, conversions it covers, the target currency
 *   gun    per row: what could not be converted, per source currency (amount and events)
 * Summing exactly first and converting per day keeps both engines on the same doubles in the same
 * order, so DuckDB and ClickHouse agree to the last digit (docs/design.md).
 */
import type { Goal } from '../goals/types.ts';
import type { SqlDialect } from './dialect.ts';
import type { SqlParams } from './sql-params.ts';

export interface GoalRevenueTarget {
  /** SQL giving a row's target currency ('' = none) from its goal column (the `event:goal` dimension). */
  readonly currencyOfGoalColumn: ((column: string) => string) | null;
  /** SQL over the event row (`e.`) for a query with a goal filter and no goal dimension. */
  readonly currencyOverEvent: string | null;
  /** The one currency of that filter's revenue goals ('' when none). */
  readonly fixedCurrency: string;
}

/** The target currency: per row from the goal dimension, or the filter's one revenue currency. */
export function revenueTarget(
  d: SqlDialect,
  params: SqlParams,
  goals: readonly Goal[],
  byGoalDimension: boolean,
  filterRevenueGoals: readonly Goal[],
  anyGoal: (goals: readonly Goal[]) => string,
): GoalRevenueTarget {
  if (byGoalDimension) {
    const revenueGoals = goals.filter((goal) => goal.currency !== null);
    const names = revenueGoals.map((goal) => [
      params.bind(goal.name, 'string'),
      d.stringLiteral(goal.currency ?? ''),
    ]);
    return {
      currencyOfGoalColumn: (column) =>
        names.length === 0
          ? "''"
          : `(CASE ${names.map(([name, currency]) => `WHEN ${column} = ${name} THEN ${currency}`).join(' ')} ELSE '' END)`,
      currencyOverEvent: null,
      fixedCurrency: '',
    };
  }
  const currency = filterRevenueGoals[0]?.currency ?? '';
  return {
    currencyOfGoalColumn: null,
    currencyOverEvent:
      currency === ''
        ? "''"
        : `(CASE WHEN ${anyGoal(filterRevenueGoals)} THEN ${d.stringLiteral(currency)} ELSE '' END)`,
    fixedCurrency: currency,
  };
}

/** Defines the CTEs reading `matched` (which carries rev_e4, rev_cur, rev_day and, per event, tcur). */
export function defineGoalRevenue(
  d: SqlDialect,
  matched: string,
  dimCols: readonly string[],
  goalColumn: string | null,
  target: GoalRevenueTarget,
  define: (name: string, sql: string) => void,
  ref: (name: string) => string,
): void {
  const dims = dimCols.map((c) => `${c}, `).join('');
  const tcur = target.currencyOfGoalColumn && goalColumn ? target.currencyOfGoalColumn(goalColumn) : 'tcur';
  const groupDims = [...dimCols];
  define(
    'grev',
    `SELECT ${dims}tcur, rev_cur, rev_day, sum(rev_e4) AS s, count(*) AS n FROM (SELECT ${dims}rev_e4, rev_cur, rev_day, ${tcur} AS tcur FROM ${matched}) m WHERE rev_cur <> '' AND tcur <> '' GROUP BY ${[...groupDims, 'tcur', 'rev_cur', 'rev_day'].join(', ')}`,
  );
  // Two lookups, one join each (ClickHouse 18.16 allows one JOIN per SELECT), joined USING equal
  // names; a missing rate reads as NULL (DuckDB) or 0 (ClickHouse), both "no rate" below. Every
  // side is named: current ClickHouse refuses a join of unnamed subqueries.
  const carried = `${dims}tcur, rev_cur, rev_day, s, n`;
  const withSource = `SELECT ${carried}, per_eur AS src_rate FROM ${ref('grev')} gv LEFT JOIN (SELECT day AS rev_day, currency AS rev_cur, per_eur FROM ${d.fxRates}) fs USING (rev_day, rev_cur)`;
  const withTarget = `SELECT ${carried}, src_rate, per_eur AS dst_rate FROM (${withSource}) ws LEFT JOIN (SELECT day AS rev_day, currency AS tcur, per_eur FROM ${d.fxRates}) ft USING (rev_day, tcur)`;
  const converted = `CASE WHEN rev_cur = tcur THEN s * 1e0 WHEN coalesce(src_rate, 0) > 0 AND coalesce(dst_rate, 0) > 0 THEN floor(s * (dst_rate / src_rate) + 0.5) ELSE NULL END`;
  define('gconv', `SELECT ${dims}tcur, rev_cur, s, n, ${converted} AS conv_e4 FROM (${withTarget}) w`);
  define(
    'grt',
    `SELECT ${dims}sum(conv_e4) AS total_e4, sum(CASE WHEN conv_e4 IS NULL THEN 0 ELSE n END) AS conv_n FROM ${ref('gconv')} c${groupBy(groupDims)}`,
  );
  const gunSums = `SELECT ${dims}rev_cur, sum(s) AS s, sum(n) AS n FROM ${ref('gconv')} c WHERE conv_e4 IS NULL GROUP BY ${[...groupDims, 'rev_cur'].join(', ')}`;
  define(
    'gun',
    `SELECT ${dims}${d.pairList('rev_cur', `concat(${d.toText('s')}, ':', ${d.toText('n')})`)} AS unconverted FROM (${gunSums}) u${groupBy(groupDims)}`,
  );
}

function groupBy(columns: readonly string[]): string {
  return columns.length > 0 ? ` GROUP BY ${columns.join(', ')}` : '';
}
