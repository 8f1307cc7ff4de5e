import { BIGINT, type DuckDBConnection, DuckDBDataChunk, INTEGER, VARCHAR } from '@duckdb/node-api';
import { foldHeartbeats } from '../../engagement/fold.ts';
import type { HeartbeatRow } from '../../ingest/heartbeat-types.ts';

/** Column order of `engagement` and `engagement_batch` (the appender writes by position). */
const columns = [
  ['site_id', VARCHAR, 'VARCHAR'],
  ['session_id', VARCHAR, 'VARCHAR'],
  ['pageview_key', VARCHAR, 'VARCHAR'],
  ['visitor_id', VARCHAR, 'VARCHAR'],
  ['hostname', VARCHAR, 'VARCHAR'],
  ['pathname', VARCHAR, 'VARCHAR'],
  ['engaged_ms', BIGINT, 'BIGINT'],
  ['scroll_max', INTEGER, 'INTEGER'],
  ['last_ms', BIGINT, 'BIGINT'],
] as const;

const tableColumnsSql = columns.map(([name, , sqlType]) => `${name} ${sqlType} NOT NULL`).join(',\n  ');

/**
 * Migration 13: one row per pageview that sent heartbeats (issue 15), keyed by (site, visit,
 * pageview key) — not by (visit, path): a visit that opens the same page twice has two counters
 * that both start at 0, and folding them with max() would drop the first one's time. Plus the
 * loader's per-batch staging table (as `visit_batch` for the visit rollup).
 */
export const engagementMigrationSql = `
CREATE TABLE engagement (
  ${tableColumnsSql},
  PRIMARY KEY (site_id, session_id, pageview_key)
);
CREATE TABLE engagement_batch (
  ${tableColumnsSql}
);
`;

/** The stored row and the batch's (`excluded`) merge with max(): a replayed batch changes nothing. */
const mergeSql = `INSERT INTO engagement SELECT * FROM engagement_batch
ON CONFLICT (site_id, session_id, pageview_key) DO UPDATE SET
  engaged_ms = greatest(engagement.engaged_ms, excluded.engaged_ms),
  scroll_max = greatest(engagement.scroll_max, excluded.scroll_max),
  last_ms = greatest(engagement.last_ms, excluded.last_ms)`;

/**
 * Folds a batch's heartbeats into `engagement`. Runs inside the loader's transaction, with the
 * batch's events and its log position, so an acknowledged heartbeat is stored exactly when the
 * log says it is (a crash before COMMIT replays the batch; max() makes that harmless anyway).
 */
export async function mergeIntoEngagement(
  connection: DuckDBConnection,
  heartbeats: readonly HeartbeatRow[],
): Promise<void> {
  const rows = foldHeartbeats(heartbeats);
  if (rows.length === 0) return;
  await connection.run('DELETE FROM engagement_batch');
  const appender = await connection.createAppender('engagement_batch');
  try {
    for (let start = 0; start < rows.length; start += 2_048) {
      const part = rows.slice(start, start + 2_048);
      const chunk = DuckDBDataChunk.create(
        columns.map(([, type]) => type),
        part.length,
      );
      chunk.setRows(
        part.map((row) => [
          row.siteId,
          row.sessionId,
          row.pageviewKey,
          row.visitorId,
          row.hostname,
          row.pathname,
          BigInt(row.engagedMs),
          row.scrollMax,
          BigInt(row.lastMs),
        ]),
      );
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  await connection.run(mergeSql);
}
