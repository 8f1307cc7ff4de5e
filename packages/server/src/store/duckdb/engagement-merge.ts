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
 *
 * No PRIMARY KEY: its index cost more than the rows (measured by bench/engagement/run.ts on 92k
 * pageviews: 11.0 MiB with the key over the three strings, 8.5 MiB over a 128-bit hash of them,
 * 3.0 MiB without). The merge below finds a pageview's row by its recent `last_ms` instead, and
 * every read folds a pageview's rows with max() (stats/engagement.ts), as on ClickHouse, so a
 * second row for one pageview (one resumed after more than `mergeWindowMs`) changes no answer.
 */
export const engagementMigrationSql = `
CREATE TABLE engagement (
  ${tableColumnsSql}
);
CREATE TABLE engagement_batch (
  ${tableColumnsSql}
);
`;

/**
 * How far back the merge looks for a pageview's stored row: heartbeats come while a page is
 * engaged, at most 15 s apart (the tracker) or as often as a server sends them; a pageview
 * silent for a day gets a row of its own, which reads fold with the first.
 */
export const mergeWindowMs = 86_400_000;

const sameKey = (a: string, b: string) =>
  `${a}.site_id = ${b}.site_id AND ${a}.session_id = ${b}.session_id AND ${a}.pageview_key = ${b}.pageview_key`;

/** The stored rows take the batch's values with max(): a replayed batch changes nothing. */
const updateSql = `UPDATE engagement SET
  engaged_ms = greatest(engagement.engaged_ms, b.engaged_ms),
  scroll_max = greatest(engagement.scroll_max, b.scroll_max),
  last_ms = greatest(engagement.last_ms, b.last_ms)
FROM engagement_batch b
WHERE ${sameKey('engagement', 'b')} AND engagement.last_ms >= $1::BIGINT`;

/** Pageviews with no recent row are added (after the update, so updated rows are found). */
const insertSql = `INSERT INTO engagement SELECT * FROM engagement_batch b
WHERE NOT EXISTS (SELECT 1 FROM engagement e WHERE ${sameKey('e', 'b')} AND e.last_ms >= $1::BIGINT)`;

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
  // Rows to merge with are those engaged within the window before the batch's earliest moment:
  // a bounded, recent slice of the table (its row groups' min/max of last_ms skip the rest).
  const since =
    rows.reduce((least, row) => Math.min(least, row.lastMs), Number.POSITIVE_INFINITY) - mergeWindowMs;
  await connection.run(updateSql, [since]);
  await connection.run(insertSql, [since]);
}
