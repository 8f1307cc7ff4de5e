import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '../store/clickhouse/client.ts';
import { connectClickHouse } from '../store/clickhouse/connect.ts';
import { sqlInt, sqlString } from '../store/clickhouse/sql.ts';
import type { ClickHouseTarget } from '../store/clickhouse/target.ts';
import { visitBucketsBuilt } from '../store/clickhouse/visit-buckets.ts';
import type { Site } from '../store/types.ts';
import { createClickHouseDialect, parameterMarker } from './clickhouse-dialect.ts';
import { CoalescingStatsEngine } from './coalescing-engine.ts';
import type { CompiledStatement, PreparedTables } from './compile.ts';
import { type GoalSource, type Plan, type SqlRunner, SqlStatsEngine } from './engine.ts';
import { prepareSelects } from './prepare.ts';
import type { SqlRow } from './results.ts';
import { type SqlParam, SqlParams } from './sql-params.ts';
import type { StatsEngine } from './stats-engine.ts';
import type { StatsQuery, StatsResponse } from './types.ts';
import { limits } from './validate.ts';

/**
 * Runs the compiled statements over HTTP. ClickHouse 18.16 has no query parameters, so each
 * parameter marker becomes a literal here, through the one escaping function (`sqlString`).
 */
export class ClickHouseRunner implements SqlRunner {
  constructor(private readonly http: ClickHouseClient) {}

  all(sql: string, params: readonly SqlParam[]): Promise<SqlRow[]> {
    return this.http.rows<SqlRow>(inlineParameters(sql, params));
  }
}

export function inlineParameters(sql: string, params: readonly SqlParam[]): string {
  return sql.replace(parameterMarker, (_, index: string) => {
    const value = params[Number(index) - 1];
    if (value === undefined) throw new Error(`no value for parameter ${index}`);
    if (typeof value === 'string') return sqlString(value);
    return value < 0 ? `(${sqlInt(value)})` : sqlInt(value);
  });
}

/** The batch's visits, in a temporary table of the batch's own HTTP session. */
const visitsTable = 'zv_batch_visits';

/**
 * The SQL engine plus a batch path for 18.16, which has no CTEs to share a scan through. The
 * questions of a batch (a dashboard page) that read visits over the range most of them share get
 * those visits from ONE temporary table, built once in an HTTP session of the batch's own from an
 * inline scan of the events, then read by each of them in turn; every other statement (questions
 * about events only, previous periods, other ranges) runs on its own, alongside. Answers are
 * those of `query` (the stats contract's queryMany test runs on ClickHouse too). On the 10M-event
 * bench a page's visits were built eleven times before; the temporary table holds one row per
 * visit (~120 bytes), where a table of the events would not fit the memory limit.
 */
export class ClickHouseStatsEngine extends SqlStatsEngine {
  /** Once the rollup is built it stays built (a new database starts built: schema.ts). */
  private rollupBuilt = false;

  constructor(
    private readonly database: string,
    private readonly http: ClickHouseClient,
    goals?: GoalSource,
  ) {
    super(createClickHouseDialect(database), new ClickHouseRunner(http), goals);
  }

  /**
   * Whether the visit rollup (store/clickhouse/visit-buckets.ts) holds every stored event; asked
   * until it does (a tiny table), then never again. A server whose schema predates the rollup
   * (no `rollup_state` yet) answers from events.
   */
  protected override async bucketRollupReady(): Promise<boolean> {
    if (this.rollupBuilt) return true;
    this.rollupBuilt = await visitBucketsBuilt(this.http, this.database).catch(() => false);
    return this.rollupBuilt;
  }

  override async queryBatch(
    items: ReadonlyArray<{ query: StatsQuery; nowMs: number }>,
    site: Site,
  ): Promise<StatsResponse[]> {
    const goals = await this.goalsFor(
      site,
      items.map((item) => item.query),
    );
    const plans = items.map((item, i) => this.plan(item.query, site, item.nowMs, `[${i}].`, goals));
    const shared = mostSharedRange(plans);
    const sameRange = (plan: Plan) => rangeKey(plan) === shared;
    // Which questions read visits: compiled against placeholder names, so that no literal in the
    // inline scan (the site id) can be mistaken for the table's name.
    const probe: PreparedTables = { events: 'zv_batch_events', visits: visitsTable, withProps: true };
    const readsVisits = plans.map(
      (plan) => sameRange(plan) && this.compileMain(plan, probe).sql.includes(`${visitsTable} s`),
    );
    if (readsVisits.filter(Boolean).length < 2) return super.queryBatch(items, site);

    const buckets = await this.bucketEdges();
    const edges = buckets ? { visitEdges: buckets } : {};
    const prepared = new SqlParams(this.dialect);
    const sharedPlan = plans.find(sameRange)!;
    const selects = prepareSelects(
      this.dialect,
      prepared,
      site.id,
      sharedPlan.range,
      sharedPlan.timezone,
      plans.filter(sameRange).map((plan) => plan.query),
      false,
      goals,
      buckets,
    );
    const events = `(${inlineParameters(selects.eventsSql, prepared.values)})`;
    const tables: PreparedTables = { events, visits: visitsTable, withProps: selects.withProps };
    const visitsSql = inlineParameters(selects.visitsSql(`${events} ev`), prepared.values);

    const inSession = plans.map((plan, i) =>
      readsVisits[i]
        ? this.compile(plan, plan.range, plan.query.limit, plan.offset, { prepared: tables, ...edges })
        : null,
    );
    const session = this.http.withSettings({
      session_id: `zenovay-stats-${randomUUID()}`,
      session_timeout: '60',
    });
    const sessionRows = runInSession(session, visitsSql, inSession);
    const mainRows = plans.map((plan, i) =>
      readsVisits[i]
        ? sessionRows.then((rows) => rows[i] ?? [])
        : this.run(this.compile(plan, plan.range, plan.query.limit, plan.offset, edges)),
    );
    const previousRows = plans.map((plan) =>
      plan.previousRange
        ? this.run(this.compile(plan, plan.previousRange, limits.maxLimit, 0, edges))
        : Promise.resolve([]),
    );
    const [mains, previous] = await Promise.all([Promise.all(mainRows), Promise.all(previousRows)]);
    return plans.map((plan, i) => this.finish(plan, mains[i]!, previous[i]!));
  }

  private compileMain(plan: Plan, prepared: PreparedTables): CompiledStatement {
    return this.compile(plan, plan.range, plan.query.limit, plan.offset, { prepared });
  }

  private run(statement: CompiledStatement): Promise<SqlRow[]> {
    return this.runner.all(statement.sql, statement.params);
  }
}

/**
 * Builds the visits table, then runs the statements one after another (a session runs one
 * statement at a time), and drops the table; the session's timeout drops it if this cannot.
 */
async function runInSession(
  session: ClickHouseClient,
  visitsSql: string,
  statements: ReadonlyArray<CompiledStatement | null>,
): Promise<Array<SqlRow[] | undefined>> {
  await session.exec(`CREATE TEMPORARY TABLE ${visitsTable} AS ${visitsSql}`);
  try {
    const runner = new ClickHouseRunner(session);
    const rows: Array<SqlRow[] | undefined> = [];
    for (const statement of statements) {
      rows.push(statement ? await runner.all(statement.sql, statement.params) : undefined);
    }
    return rows;
  } finally {
    await session.exec(`DROP TEMPORARY TABLE IF EXISTS ${visitsTable}`).catch(() => undefined);
  }
}

function rangeKey(plan: Plan): string {
  return `${plan.range.startMs}/${plan.range.endMs}`;
}

/** The range most of the plans ask about. */
function mostSharedRange(plans: readonly Plan[]): string {
  const counts = new Map<string, number>();
  for (const plan of plans) counts.set(rangeKey(plan), (counts.get(rangeKey(plan)) ?? 0) + 1);
  return [...counts].reduce((a, b) => (b[1] > a[1] ? b : a), ['', 0])[0];
}

/**
 * The stats engine over ClickHouse's `events` (the Distributed table when sharded, read from the
 * first server). Same answers as the DuckDB engine: test/stats-*.test.ts run against both.
 */
export function createClickHouseStatsEngine(
  target: ClickHouseTarget,
  options: { coalesce?: boolean; http?: ClickHouseClient; goals?: GoalSource } = {},
): StatsEngine {
  const http = options.http ?? connectClickHouse(target, target.shardUrls[0]!);
  const engine = new ClickHouseStatsEngine(target.database, http, options.goals);
  return options.coalesce === false ? engine : new CoalescingStatsEngine(engine);
}
