import { ClickHouseHttp } from '../store/clickhouse/http-client.ts';
import { sqlInt, sqlString } from '../store/clickhouse/sql.ts';
import type { ClickHouseTarget } from '../store/clickhouse/target.ts';
import { createClickHouseDialect, parameterMarker } from './clickhouse-dialect.ts';
import { CoalescingStatsEngine } from './coalescing-engine.ts';
import { type SqlRunner, SqlStatsEngine } from './engine.ts';
import type { StatsEngine } from './index.ts';
import type { SqlRow } from './results.ts';
import type { SqlParam } from './sql-params.ts';

/**
 * Runs the compiled statements over HTTP. ClickHouse 18.16 has no query parameters, so each
 * parameter marker becomes a literal here, through the one escaping function (`sqlString`).
 */
export class ClickHouseRunner implements SqlRunner {
  constructor(private readonly http: ClickHouseHttp) {}

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

/**
 * The stats engine over ClickHouse's `events` (the Distributed table when sharded, read from the
 * first server). Same answers as the DuckDB engine: test/stats-*.test.ts run against both.
 */
export function createClickHouseStatsEngine(
  target: ClickHouseTarget,
  options: { coalesce?: boolean } = {},
): StatsEngine {
  const http = new ClickHouseHttp(target.shardUrls[0]!);
  const engine = new SqlStatsEngine(createClickHouseDialect(target.database), new ClickHouseRunner(http));
  return options.coalesce === false ? engine : new CoalescingStatsEngine(engine);
}
