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
import { FieldContext } from './fields.ts';
import { goalQueryErrors, usesGoals } from './goal-validate.ts';
import { compilePreparation } from './prepare.ts';
import { attachComparison, type SqlRow, shapeRows } from './results.ts';
import { rollupEdgesSql, type VisitEdges } from './rollup-visits.ts';
import { type SqlParam, SqlParams } from './sql-params.ts';
import type { StatsEngine } from './stats-engine.ts';
import type { ResolvedRange, StatsFieldError, StatsQuery, StatsResponse, TimeDimension } from './types.ts';
import { limits, validateStatsQuery } from './validate.ts';

/** Edges of a range no visit straddles. */
const noStraddlers: VisitEdges = { startUntilMs: null, endFromMs: null };

export type RunSql = (sql: string, params: readonly SqlParam[]) => Promise<SqlRow[]>;

/** Runs parameterised statements and returns rows as plain JS objects. */
export interface SqlRunner {
  all: RunSql;
  /**
   * Runs `work`'s statements on one connection in one read transaction (one snapshot of the
   * store). Needed to read a visit rollup (its edges, then the visits), see rollup-visits.ts.
   */
  snapshot?<T>(work: (run: RunSql) => Promise<T>): Promise<T>;
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
    const snapshot =
      this.dialect.visitRollup === 'edges' ? this.runner.snapshot?.bind(this.runner) : undefined;
    // A bucketed rollup needs no edges: read as soon as it holds every stored event.
    const buckets = await this.bucketEdges();
    // Compiled as if the rollup had no straddlers, to learn whether the question reads visits.
    const main = this.compile(plan, plan.range, query.limit, plan.offset, {
      ...(snapshot ? { visitEdges: noStraddlers } : {}),
      ...(buckets ? { visitEdges: buckets } : {}),
    });
    if (snapshot && main.readsVisits) {
      // Visits from the rollup: the edges, then the statements, in one snapshot.
      return snapshot(async (run) => {
        const ranges = plan.previousRange ? [plan.range, plan.previousRange] : [plan.range];
        const edges = await this.visitEdges(run, plan.query.siteId, plan.timezone, ranges);
        const statement = this.compile(plan, plan.range, query.limit, plan.offset, {
          visitEdges: edges?.[0],
        });
        const rows = await run(statement.sql, statement.params);
        const previous = plan.previousRange
          ? this.compile(plan, plan.previousRange, limits.maxLimit, 0, { visitEdges: edges?.[1] })
          : null;
        const previousRows = previous ? await run(previous.sql, previous.params) : [];
        return this.finish(plan, rows, previousRows);
      });
    }
    const [rows, previousRows] = await Promise.all([
      this.runner.all(main.sql, main.params),
      this.previousRows(plan, buckets),
    ]);
    return this.finish(plan, rows, previousRows);
  }

  /**
   * For a dialect whose rollup is bucketed (`visitRollup: 'buckets'`): the edges to compile with
   * (none straddle: the buckets of a range hold exactly its events' visits) once the rollup holds
   * every stored event, else undefined (visits are rebuilt from events).
   */
  protected async bucketEdges(): Promise<VisitEdges | undefined> {
    if (this.dialect.visitRollup !== 'buckets') return undefined;
    return (await this.bucketRollupReady()) ? noStraddlers : undefined;
  }

  /** Whether the bucketed rollup is built; an engine with one overrides this. */
  protected async bucketRollupReady(): Promise<boolean> {
    return false;
  }

  /**
   * Where each range's straddling visits have their events (rollup-visits.ts), in one statement;
   * null while the rollup is still being built from older events (visits are then rebuilt).
   */
  private async visitEdges(
    run: RunSql,
    siteId: string,
    timezone: string,
    ranges: readonly ResolvedRange[],
  ): Promise<VisitEdges[] | null> {
    const params = new SqlParams(this.dialect);
    const parts = ranges.map((range, i) => {
      const fields = new FieldContext(this.dialect, params, timezone, range);
      const site = params.bind(siteId, 'string');
      const sql = rollupEdgesSql(
        fields,
        site,
        params.bind(range.startMs, 'int'),
        params.bind(range.endMs, 'int'),
      );
      return `SELECT ${i} AS i, * FROM (${sql}) e${i}`;
    });
    const rows = await run(parts.join(' UNION ALL '), params.values);
    const byIndex = new Map(rows.map((row) => [Number(row.i), row]));
    const edges: VisitEdges[] = [];
    for (let i = 0; i < ranges.length; i += 1) {
      const row = byIndex.get(i);
      if (row?.built !== true) return null;
      const ms = (value: unknown) => (value === null || value === undefined ? null : Number(value));
      const sessions =
        typeof row.sessions === 'string' ? (JSON.parse(row.sessions) as string[] | null) : null;
      edges.push({ startUntilMs: ms(row.start_until), endFromMs: ms(row.end_from), sessions });
    }
    return edges;
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
    const snapshot =
      this.dialect.visitRollup === 'edges' ? this.runner.snapshot?.bind(this.runner) : undefined;
    if (!snapshot) return this.runBatch(this.runner.all, plans, shared, sameRange, goals, null);
    return snapshot(async (run) => {
      // Every range the batch reads (the shared one, others, previous periods): their edges.
      const ranges = new Map<string, ResolvedRange>();
      for (const plan of plans) {
        for (const range of [plan.range, plan.previousRange]) {
          if (range) ranges.set(`${range.startMs}/${range.endMs}`, range);
        }
      }
      const list = [...ranges.values()];
      const edges = await this.visitEdges(run, site.id, shared.timezone, list);
      const byRange = edges
        ? new Map(list.map((range, i) => [`${range.startMs}/${range.endMs}`, edges[i]!]))
        : null;
      return this.runBatch(run, plans, shared, sameRange, goals, byRange);
    });
  }

  /** The batch's one statement; `edges` per range key when visits are read from the rollup. */
  private async runBatch(
    run: RunSql,
    plans: readonly Plan[],
    shared: Plan,
    sameRange: (plan: Plan) => boolean,
    goals: readonly Goal[],
    edges: ReadonlyMap<string, VisitEdges> | null,
  ): Promise<StatsResponse[]> {
    const edgesOf = (range: ResolvedRange) => edges?.get(`${range.startMs}/${range.endMs}`);
    const queries = plans.filter(sameRange).map((p) => p.query);
    const params = new SqlParams(this.dialect);
    const preparation = compilePreparation(
      this.dialect,
      params,
      shared.query.siteId,
      shared.range,
      shared.timezone,
      queries,
      goals,
      edgesOf(shared.range),
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
          visitEdges: edgesOf(plan.range),
        }),
      ),
      previous: plan.previousRange
        ? asJson(
            this.compile(plan, plan.previousRange, limits.maxLimit, 0, {
              params,
              visitEdges: edgesOf(plan.previousRange),
            }),
          )
        : null,
    }));
    const sql = `WITH ${preparation.ctes.join(',\n')}\nSELECT ${parts.join(',\n')}`;
    const [row] = await run(sql, params.values);
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
    batch: {
      prepared?: PreparedTables | undefined;
      params?: SqlParams;
      visitEdges?: VisitEdges | undefined;
    } = {},
  ): CompiledStatement {
    return compileStatsQuery(plan.query, this.dialect, {
      timezone: plan.timezone,
      range,
      limit,
      offset,
      goals: plan.goals,
      ...(batch.prepared ? { prepared: batch.prepared } : {}),
      ...(batch.params ? { params: batch.params } : {}),
      ...(batch.visitEdges ? { visitEdges: batch.visitEdges } : {}),
    });
  }

  /** The previous period's rows, unpaged, so that every row on this page finds its match. */
  private async previousRows(plan: Plan, visitEdges?: VisitEdges): Promise<SqlRow[]> {
    if (!plan.previousRange) return [];
    const statement = this.compile(plan, plan.previousRange, limits.maxLimit, 0, { visitEdges });
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
