import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CoalescingStatsEngine } from './coalescing-engine.ts';
import { duckDbDialect } from './duckdb-dialect.ts';
import { type GoalSource, type RunSql, type SqlRunner, SqlStatsEngine } from './engine.ts';
import type { SqlRow } from './results.ts';
import type { SqlParam } from './sql-params.ts';
import type { StatsEngine } from './stats-engine.ts';

/**
 * A few read connections, handed out one statement at a time: a DuckDB connection runs one
 * statement at once, and the dashboard asks several questions together.
 */
class DuckDbRunner implements SqlRunner {
  private readonly idle: DuckDBConnection[] = [];
  private readonly waiting: Array<(connection: DuckDBConnection) => void> = [];
  private opened = 0;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly maxConnections: number,
  ) {}

  private async acquire(): Promise<DuckDBConnection> {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.opened < this.maxConnections) {
      this.opened += 1;
      return this.instance.connect();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(connection: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }

  all(sql: string, params: readonly SqlParam[]): Promise<SqlRow[]> {
    return this.withConnection((run) => run(sql, params));
  }

  /** One read transaction: every statement of `work` sees the same committed state. */
  snapshot<T>(work: (run: RunSql) => Promise<T>): Promise<T> {
    return this.withConnection(async (run) => {
      await run('BEGIN TRANSACTION', []);
      try {
        const result = await work(run);
        await run('COMMIT', []);
        return result;
      } catch (error) {
        await run('ROLLBACK', []).catch(() => undefined);
        throw error;
      }
    });
  }

  private async withConnection<T>(work: (run: RunSql) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    try {
      return await work(async (sql, params) => {
        const reader = await connection.runAndReadAll(sql, [...params]);
        return reader.getRowObjectsJS() as SqlRow[];
      });
    } finally {
      this.release(connection);
    }
  }
}

/**
 * The stats engine over the embedded DuckDB file's `events` table. Concurrent questions about one
 * site are answered together (coalescing-engine.ts) unless `coalesce` is false.
 */
export function createDuckDbStatsEngine(
  instance: DuckDBInstance,
  options: { connections?: number; coalesce?: boolean; goals?: GoalSource } = {},
): StatsEngine {
  const engine = new SqlStatsEngine(
    duckDbDialect,
    new DuckDbRunner(instance, options.connections ?? 2),
    options.goals,
  );
  return options.coalesce === false ? engine : new CoalescingStatsEngine(engine);
}
