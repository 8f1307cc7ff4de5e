/**
 * The dialect-independent engine: validates, resolves the range in the site's zone, compiles,
 * runs the statement (and the previous period's, in parallel), and shapes the answer.
 */
import type { Goal } from '../goals/types.ts';
import type { Site } from '../store/types.ts';
import { type CompiledStatement, compileStatsQuery, type PreparedTables } from './compile.ts';
import { isValidTimezone, previousPeriod, resolveDateRange, timeLabels } from './date-range.ts';
import type { SqlDialect } from './dialect.ts';
import { queryEcho } from './echo.ts';
import { StatsQueryError } from './errors.ts';
import { goalQueryErrors, usesGoals } from './goal-validate.ts';
import { compilePreparation } from './prepare.ts';
import { attachComparison, type SqlRow, shapeRows } from './results.ts';
import { type SqlParam, SqlParams } from './sql-params.ts';
import type { StatsEngine } from './stats-engine.ts';
import type { ResolvedRange, StatsFieldError, StatsQuery, StatsResponse, TimeDimension } from './types.ts';
import { limits, validateStatsQuery } from './validate.ts';

export type RunSql = (sql: string, params: readonly SqlParam[]) => Promise<SqlRow[]>;

/** Runs parameterised statements and returns rows as plain JS objects. */
export interface SqlRunner {
  all: RunSql;
}

/** The site's goals (the metadata store's), read only for queries that name goals. */
export type GoalSource = (siteId: string) => Promise<readonly Goal[]>;

export interface Plan {
  readonly query: StatsQuery;
  readonly goals: readonly Goal[];
  readonly timezone: string;
  readonly range: ResolvedRange;
  readonly previousRange: ResolvedRange | null;
  readonly offset: number;
}

export class SqlStatsEngine implements StatsEngine {
  constructor(
    protected readonly dialect: SqlDialect,
    protected readonly runner: SqlRunner,
    private readonly goalSource: GoalSource = async () => [],
  ) {}

  /** The site's goals when any of the queries needs them; one read per batch. */
  protected async goalsFor(site: Site, queries: readonly StatsQuery[]): Promise<readonly Goal[]> {
    return queries.some(usesGoals) ? this.goalSource(site.id) : [];
  }

  async query(query: StatsQuery, site: Site, nowMs: number): Promise<StatsResponse> {
    const plan = this.plan(query, site, nowMs, '', await this.goalsFor(site, [query]));
    const main = this.compile(plan, plan.range, query.limit, plan.offset);
    const [rows, previousRows] = await Promise.all([
      this.runner.all(main.sql, main.params),
      this.previousRows(plan),
    ]);
    return this.finish(plan, rows, previousRows);
  }

  /**
   * Several questions about one site at once (a dashboard page), answered by ONE statement: those
   * over the same range share one scan of the events and one build of the visits (see
   * prepare.ts), and the previous periods ride along; answers come back in the order asked.
   */
  queryMany(queries: readonly StatsQuery[], site: Site, nowMs: number): Promise<StatsResponse[]> {
    return this.queryBatch(
      queries.map((query) => ({ query, nowMs })),
      site,
    );
  }

  /** `queryMany` with each question's own "now" (questions gathered from concurrent requests). */
  async queryBatch(
    items: ReadonlyArray<{ query: StatsQuery; nowMs: number }>,
    site: Site,
  ): Promise<StatsResponse[]> {
    const goals = await this.goalsFor(
      site,
      items.map((item) => item.query),
    );
    const plans = items.map((item, i) => this.plan(item.query, site, item.nowMs, `[${i}].`, goals));
    const rangeKey = (p: Plan) => `${p.range.startMs}/${p.range.endMs}`;
    const perRange = new Map<string, number>();
    for (const plan of plans) perRange.set(rangeKey(plan), (perRange.get(rangeKey(plan)) ?? 0) + 1);
    const [sharedKey, sharers] = [...perRange].reduce((a, b) => (b[1] > a[1] ? b : a), ['', 0]);
    const shared = plans.find((p) => rangeKey(p) === sharedKey);
    if (!shared || sharers < 2 || this.dialect.inlineCtes) {
      // Nothing to share (or no CTEs to share it with): separate statements run in parallel.
      return Promise.all(items.map((item) => this.query(item.query, site, item.nowMs)));
    }
    const sameRange = (p: Plan) => rangeKey(p) === sharedKey;
    const queries = plans.filter(sameRange).map((p) => p.query);
    const params = new SqlParams(this.dialect);
    const preparation = compilePreparation(
      this.dialect,
      params,
      site.id,
      shared.range,
      shared.timezone,
      queries,
      goals,
    );
    const parts: string[] = [];
    const asJson = (statement: CompiledStatement) => {
      parts.push(`${this.dialect.rowsAsJson(statement.sql, statement.orderBy)} AS r${parts.length}`);
      return parts.length - 1;
    };
    const columns = plans.map((plan) => ({
      main: asJson(
        this.compile(plan, plan.range, plan.query.limit, plan.offset, {
          prepared: sameRange(plan) ? preparation.tables : undefined,
          params,
        }),
      ),
      previous: plan.previousRange
        ? asJson(this.compile(plan, plan.previousRange, limits.maxLimit, 0, { params }))
        : null,
    }));
    const sql = `WITH ${preparation.ctes.join(',\n')}\nSELECT ${parts.join(',\n')}`;
    const [row] = await this.runner.all(sql, params.values);
    const rowsOf = (column: number | null): SqlRow[] =>
      column === null ? [] : ((JSON.parse(String(row?.[`r${column}`] ?? '[]')) as SqlRow[] | null) ?? []);
    return plans.map((plan, i) =>
      this.finish(plan, rowsOf(columns[i]?.main ?? null), rowsOf(columns[i]?.previous ?? null)),
    );
  }

  protected plan(
    query: StatsQuery,
    site: Site,
    nowMs: number,
    fieldPrefix: string,
    goals: readonly Goal[],
  ): Plan {
    const errors: StatsFieldError[] = [...validateStatsQuery(query), ...goalQueryErrors(query, goals)];
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
      goals,
      timezone,
      range,
      previousRange: query.compare ? previousPeriod(range, timezone) : null,
      offset: query.offset ?? query.page * query.limit,
    };
  }

  protected compile(
    plan: Plan,
    range: ResolvedRange,
    limit: number,
    offset: number,
    batch: { prepared?: PreparedTables | undefined; params?: SqlParams } = {},
  ): CompiledStatement {
    return compileStatsQuery(plan.query, this.dialect, {
      timezone: plan.timezone,
      range,
      limit,
      offset,
      goals: plan.goals,
      ...(batch.prepared ? { prepared: batch.prepared } : {}),
      ...(batch.params ? { params: batch.params } : {}),
    });
  }

  /** The previous period's rows, unpaged, so that every row on this page finds its match. */
  private async previousRows(plan: Plan): Promise<SqlRow[]> {
    if (!plan.previousRange) return [];
    const statement = this.compile(plan, plan.previousRange, limits.maxLimit, 0);
    return this.runner.all(statement.sql, statement.params);
  }

  protected finish(plan: Plan, rows: readonly SqlRow[], previousRows: readonly SqlRow[]): StatsResponse {
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
