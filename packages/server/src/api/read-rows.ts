import type { DuckDBInstance, DuckDBValue } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

/**
 * Runs one read-only statement on a short-lived connection of its own. Connections are cheap in
 * DuckDB, and one per read keeps API reads from queueing behind the writer's or each other's.
 * User input only ever arrives as `params`.
 */
export async function readRows(instance: DuckDBInstance, sql: string, params: DuckDBValue[]): Promise<Row[]> {
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql, params)).getRowObjectsJS() as Row[];
  } finally {
    connection.closeSync();
  }
}

/** A DuckDB timestamp bound from epoch milliseconds: `make_timestamp` takes microseconds. */
export const tsFromMs = (placeholder: string) => `make_timestamp(${placeholder}::BIGINT * 1000)`;
