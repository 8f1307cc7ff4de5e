import type { DuckDBConnection } from '@duckdb/node-api';
import type { ApiKeyMonthlyCount } from '../types.ts';

/**
 * The `api_key_requests` table's SQL (the monthly quota's counters), called by
 * `DuckDbMetadataStore` inside its serial queue (one statement at a time on its connection).
 */
export async function addApiKeyRequestRows(
  connection: DuckDBConnection,
  counts: readonly ApiKeyMonthlyCount[],
): Promise<void> {
  await connection.run('BEGIN TRANSACTION');
  try {
    for (const item of counts) {
      await connection.run(
        `INSERT INTO api_key_requests (prefix, month, count) VALUES ($1, $2, $3)
         ON CONFLICT (prefix, month) DO UPDATE SET count = api_key_requests.count + excluded.count`,
        [item.prefix, item.month, item.count],
      );
    }
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function selectApiKeyRequests(
  connection: DuckDBConnection,
  month: string,
): Promise<ApiKeyMonthlyCount[]> {
  const reader = await connection.runAndReadAll(
    'SELECT prefix, month, count FROM api_key_requests WHERE month = $1 ORDER BY prefix',
    [month],
  );
  return reader.getRowObjectsJS().map((row) => ({
    prefix: String(row.prefix),
    month: String(row.month),
    count: Number(row.count),
  }));
}
