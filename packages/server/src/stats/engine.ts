/**
 * The dialect-independent engine: validates, resolves the range in the site's zone, compiles,
 * runs the statement (and the previous period's, in parallel), and shapes the answer.
 */
import type { Site } from '../store/types.ts';
import { compileStatsQuery } from './compile.ts';
import { isValidTimezone, previousPeriod, resolveDateRange, timeLabels } from './date-range.ts';
import type { SqlDialect } from './dialect.ts';
import { queryEcho } from './echo.ts';
import { StatsQueryError } from './errors.ts';
import type { StatsEngine } from './index.ts';
import { attachComparison, type SqlRow, shapeRows } from './results.ts';
import type { SqlParam } from './sql-params.ts';
import type { ResolvedRange, StatsQuery, StatsResponse, TimeDimension } from './types.ts';
import { limits, validateStatsQuery } from './validate.ts';

/** Runs one parameterised statement and returns its rows as plain JS objects. */
export interface SqlRunner {
  all(sql: string, params: readonly SqlParam[]): Promise<SqlRow[]>;
}

export class SqlStatsEngine implements StatsEngine {
  constructor(
    private readonly dialect: SqlDialect,
    private readonly runner: SqlRunner,
  ) {}

  async query(query: StatsQuery, site: Site, nowMs: number): Promise<StatsResponse> {
    const errors = validateStatsQuery(query);
    if (site.id !== query.siteId)
      errors.push({ field: 'site_id', reason: 'does not match the site being queried' });
    const timezone = site.timezone || 'UTC';
    if (!isValidTimezone(timezone))
      errors.push({ field: 'site_id', reason: `the site's time zone "${timezone}" is unknown` });
    if (errors.length > 0) throw new StatsQueryError(errors);

    const range = resolveDateRange(query.dateRange, timezone, nowMs);
    const offset = query.offset ?? query.page * query.limit;
    const timeDimension = query.dimensions.find((d): d is TimeDimension => d.startsWith('time:'));
    const labelsOf = (r: ResolvedRange) =>
      timeDimension
        ? timeLabels(r, timeDimension.slice(5) as 'hour' | 'day' | 'week' | 'month', timezone)
        : undefined;

    const main = compileStatsQuery(query, this.dialect, { timezone, range, limit: query.limit, offset });
    const previousRange = query.compare ? previousPeriod(range, timezone) : null;
    const previous = previousRange
      ? compileStatsQuery(query, this.dialect, {
          timezone,
          range: previousRange,
          limit: limits.maxLimit,
          offset: 0,
        })
      : null;
    const [rows, previousRows] = await Promise.all([
      this.runner.all(main.sql, main.params),
      previous ? this.runner.all(previous.sql, previous.params) : Promise.resolve([]),
    ]);

    const labels = labelsOf(range);
    let results = shapeRows(query, rows);
    const dateRange = { start: range.startDate, end: range.endDate };
    const response: StatsResponse = {
      results,
      meta: {
        timezone,
        date_range: dateRange,
        total_rows: Number(rows[0]?.total_rows ?? 0),
        ...(labels ? { time_labels: labels } : {}),
        ...(previousRange
          ? { comparison_date_range: { start: previousRange.startDate, end: previousRange.endDate } }
          : {}),
      },
      query: queryEcho(query, range, timezone, offset),
    };
    if (!previousRange) return response;
    const comparisonResults = shapeRows(query, previousRows);
    results = attachComparison(query, results, comparisonResults, labels, labelsOf(previousRange));
    return {
      ...response,
      results,
      comparison: {
        date_range: { start: previousRange.startDate, end: previousRange.endDate },
        results: comparisonResults.slice(0, query.limit),
      },
    };
  }
}
