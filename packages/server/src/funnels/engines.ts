/** The funnel engine over each store, as scale/stores.ts picks them. */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createClickHouseDialect } from '../stats/clickhouse-dialect.ts';
import { ClickHouseRunner } from '../stats/clickhouse-engine.ts';
import { duckDbDialect } from '../stats/duckdb-dialect.ts';
import type { GoalSource, SqlRunner } from '../stats/engine.ts';
import type { SqlRow } from '../stats/results.ts';
import { connectClickHouse } from '../store/clickhouse/connect.ts';
import type { ClickHouseTarget } from '../store/clickhouse/target.ts';
import { SerialQueue } from '../store/duckdb/serial.ts';
import type { DuckDbChainMethod } from './chain-duckdb.ts';
import { FunnelEngine } from './funnel-engine.ts';

/** One connection of its own, one statement at a time (funnel questions are rare next to stats). */
class DuckDbFunnelRunner implements SqlRunner {
  private readonly queue = new SerialQueue();
  private connection: Promise<DuckDBConnection> | null = null;

  constructor(private readonly instance: DuckDBInstance) {}

  all(sql: string, params: readonly (string | number)[]): Promise<SqlRow[]> {
    return this.queue.run(async () => {
      this.connection ??= this.instance.connect();
      const reader = await (await this.connection).runAndReadAll(sql, [...params]);
      return reader.getRowObjectsJS() as SqlRow[];
    });
  }
}

export interface FunnelEngineOptions {
  readonly goals: GoalSource;
  /** Waits until acknowledged events are loaded (event-log/fresh-reads.ts). */
  readonly beforeRead?: () => Promise<unknown>;
}

export function createDuckDbFunnelEngine(
  instance: DuckDBInstance,
  options: FunnelEngineOptions & { method?: DuckDbChainMethod },
): FunnelEngine {
  return new FunnelEngine(duckDbDialect, new DuckDbFunnelRunner(instance), options.goals, options);
}

export function createClickHouseFunnelEngine(
  target: ClickHouseTarget,
  options: FunnelEngineOptions,
): FunnelEngine {
  const http = connectClickHouse(target, target.shardUrls[0]!);
  return new FunnelEngine(
    createClickHouseDialect(target.database),
    new ClickHouseRunner(http),
    options.goals,
    options,
  );
}
