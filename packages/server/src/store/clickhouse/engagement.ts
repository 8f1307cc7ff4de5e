import { foldHeartbeats } from '../../engagement/fold.ts';
import type { HeartbeatRow } from '../../ingest/heartbeat-types.ts';
import { sqlIdentifier, sqlInt, sqlString } from './sql.ts';

/**
 * Heartbeats in ClickHouse (issue 15): one row per (pageview, load batch), folded further by the
 * engine. ReplacingMergeTree on (site, visit, pageview key) keeps the row with the most engaged
 * time, which also carries the deepest scroll and the latest moment, because a pageview's
 * heartbeats are cumulative. Reads fold with max() per key (stats/engagement.ts), so rows not merged
 * yet, and rows inserted twice (a replayed log batch), give the same answer: unlike events, no
 * insert-once check is needed. Partitioned by month of the last moment; a pageview's rows that land
 * in two months stay two rows until read, which the max() fold covers.
 */
export function engagementStatements(database: string, shards: number, clusterName: string): string[] {
  const db = sqlIdentifier(database);
  const local = shards > 1 ? 'engagement_local' : 'engagement';
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${db}.${local} (
  site_id String,
  session_id String,
  pageview_key String,
  visitor_id String,
  hostname String,
  pathname String,
  engaged_ms UInt64,
  scroll_max UInt8,
  last_ms UInt64
) ENGINE = ReplacingMergeTree(engaged_ms)
PARTITION BY toYYYYMM(toDate(toDateTime(intDiv(last_ms, 1000), 'UTC')))
ORDER BY (site_id, session_id, pageview_key)`,
  ];
  if (shards > 1) {
    // A pageview's rows meet on one shard, where merges fold them.
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${db}.engagement AS ${db}.engagement_local
ENGINE = Distributed(${clusterName}, ${db}, engagement_local, cityHash64(site_id, session_id, pageview_key))`,
    );
  }
  return statements;
}

/** The INSERT of a batch's heartbeats, folded per pageview; null when there are none. */
export function engagementInsertSql(database: string, heartbeats: readonly HeartbeatRow[]): string | null {
  const rows = foldHeartbeats(heartbeats);
  if (rows.length === 0) return null;
  const values = rows.map(
    (row) =>
      `(${[
        sqlString(row.siteId),
        sqlString(row.sessionId),
        sqlString(row.pageviewKey),
        sqlString(row.visitorId),
        sqlString(row.hostname),
        sqlString(row.pathname),
        sqlInt(row.engagedMs),
        sqlInt(row.scrollMax),
        sqlInt(row.lastMs),
      ].join(',')})`,
  );
  return `INSERT INTO ${sqlIdentifier(database)}.engagement (site_id, session_id, pageview_key, visitor_id, hostname, pathname, engaged_ms, scroll_max, last_ms) VALUES\n${values.join(',\n')}`;
}
