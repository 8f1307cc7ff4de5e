/**
 * The dialect-independent engine: validates, resolves the range in the site's zone, compiles,
 * runs the statement (and the previous period's, in parallel), and shapes the answer.
 */
import type { Site } from '../store/types.ts';
import { type CompiledStatement, compileStatsQuery, type PreparedTables } from './compile.ts';
import { isValidTimezone, previousPeriod, resolveDateRange, timeLabels } from './date-range.ts';
import type { SqlDialect } from './dialect.ts';
import { queryEcho } from './echo.ts';
import { StatsQueryError } from './errors.ts';
import type { StatsEngine } from './index.ts';
import { compilePreparation } from './prepare.ts';
import { attachComparison, type SqlRow, shapeRows } from './results.ts';
import type { SqlParam } from './sql-params.ts';
import type { ResolvedRange, StatsFieldError, StatsQuery, StatsResponse, TimeDimension } from './types.ts';
import { limits, validateStatsQuery } from './validate.ts';

export type RunSql = (sql: string, params: readonly SqlParam[]) => Promise<SqlRow[]>;

/** Runs parameterised statements and returns rows as plain JS objects. */
export interface SqlRunner {
  all: RunSql;
  /**
   * Runs `work` on one connection of its own, so temporary tables live across its statements.
   * A runner without it (no temporary tables) answers `queryMany` one query at a time.
   */
  withConnection?<T>(work: (run: RunSql) => Promise<T>): Promise<T>;
}

interface Plan {
  readonly query: StatsQuery;
  readonly timezone: string;
  readonly range: ResolvedRange;
  readonly previousRange: ResolvedRange | null;
  readonly offset: number;
}

export class SqlStatsEngine implements StatsEngine {
  constructor(
    private readonly dialect: SqlDialect,
    private readonly runner: SqlRunner,
  ) {}

  async query(query: StatsQuery, site: Site, nowMs: number): Promise<StatsResponse> {
    const plan = this.plan(query, site, nowMs, '');
    const main = this.compile(plan, plan.range, query.limit, plan.offset);
    const [rows, previousRows] = await Promise.all([
      this.runner.all(main.sql, main.params),
      this.previousRows(plan),
    ]);
    return this.finish(plan, rows, previousRows);
  }

  /**
   * Several questions about one site at once (a dashboard page). Those over the same range share
   * one scan of the events (see prepare.ts); answers come back in the order asked.
   */
  async queryMany(queries: readonly StatsQuery[], site: Site, nowMs: number): Promise<StatsResponse[]> {
    const plans = queries.map((query, i) => this.plan(query, site, nowMs, `[${i}].`));
    const shared = plans[0];
    const sameRange = (p: Plan) =>
      shared && p.range.startMs === shared.range.startMs && p.range.endMs === shared.range.endMs;
    const withConnection = this.runner.withConnection?.bind(this.runner);
    if (!shared || !withConnection || plans.filter(sameRange).length < 2) {
      return Promise.all(queries.map((query) => this.query(query, site, nowMs)));
    }
    const preparation = compilePreparation(this.dialect, site.id, shared.range, shared.timezone, queries);
    const previous = Promise.all(plans.map((plan) => this.previousRows(plan)));
    previous.catch(() => undefined); // awaited below; do not let an early failure go unhandled
    const mainRows = await withConnection(async (run) => {
      try {
        for (const statement of preparation.create) await run(statement.sql, statement.params);
        const rows: SqlRow[][] = [];
        for (const plan of plans) {
          const tables = sameRange(plan) ? preparation.tables : undefined;
          const main = this.compile(plan, plan.range, plan.query.limit, plan.offset, tables);
          rows.push(await run(main.sql, main.params));
        }
        return rows;
      } finally {
        for (const sql of preparation.drop) await run(sql, []);
      }
    });
    const previousRows = await previous;
    return plans.map((plan, i) => this.finish(plan, mainRows[i] ?? [], previousRows[i] ?? []));
  }

  private plan(query: StatsQuery, site: Site, nowMs: number, fieldPrefix: string): Plan {
    const errors: StatsFieldError[] = validateStatsQuery(query);
    if (site.id !== query.siteId)
      errors.push({ field: 'site_id', reason: 'does not match the site being queried' });
    const timezone = site.timezone || 'UTC';
    if (!isValidTimezone(timezone))
      errors.push({ field: 'site_id', reason: `the site's time zone "${timezone}" is unknown` });
    if (errors.length > 0)
      throw new StatsQueryError(errors.map((e) => ({ ...e, field: `${fieldPrefix}${e.field}` })));
    const range = resolveDateRange(query.dateRange, timezone, nowMs);
    return {
      query,
      timezone,
      range,
      previousRange: query.compare ? previousPeriod(range, timezone) : null,
      offset: query.offset ?? query.page * query.limit,
    };
  }

  private compile(
    plan: Plan,
    range: ResolvedRange,
    limit: number,
    offset: number,
    prepared?: PreparedTables,
  ): CompiledStatement {
    return compileStatsQuery(plan.query, this.dialect, {
      timezone: plan.timezone,
      range,
      limit,
      offset,
      prepared,
    });
  }

  /** The previous period's rows, unpaged, so that every row on this page finds its match. */
  private async previousRows(plan: Plan): Promise<SqlRow[]> {
    if (!plan.previousRange) return [];
    const statement = this.compile(plan, plan.previousRange, limits.maxLimit, 0);
    return this.runner.all(statement.sql, statement.params);
  }

  private finish(plan: Plan, rows: readonly SqlRow[], previousRows: readonly SqlRow[]): StatsResponse {
    const { query, timezone, range, previousRange } = plan;
    const timeDimension = query.dimensions.find((d): d is TimeDimension => d.startsWith('time:'));
    const labelsOf = (r: ResolvedRange) =>
      timeDimension
        ? timeLabels(r, timeDimension.slice(5) as 'hour' | 'day' | 'week' | 'month', timezone)
        : undefined;
    const labels = labelsOf(range);
    const results = shapeRows(query, rows);
    const response: StatsResponse = {
      results,
      meta: {
        timezone,
        date_range: { start: range.startDate, end: range.endDate },
        total_rows: Number(rows[0]?.total_rows ?? 0),
        ...(labels ? { time_labels: labels } : {}),
        ...(previousRange
          ? { comparison_date_range: { start: previousRange.startDate, end: previousRange.endDate } }
          : {}),
      },
      query: queryEcho(query, range, timezone, plan.offset),
    };
    if (!previousRange) return response;
    const comparisonResults = shapeRows(query, previousRows);
    return {
      ...response,
      results: attachComparison(query, results, comparisonResults, labels, labelsOf(previousRange)),
      comparison: {
        date_range: { start: previousRange.startDate, end: previousRange.endDate },
        results: comparisonResults.slice(0, query.limit),
      },
    };
  }
}
