import type { ClickHouseHttp } from './http-client.ts';
import { sqlIdentifier } from './sql.ts';

/** Cluster name in remote_servers (scripts/services/service.sh writes it). */
export const clusterName = 'zenovay';

/** The events columns in insert order, with their ClickHouse types. */
export const eventColumns: ReadonlyArray<readonly [string, string]> = [
  ['ts', "DateTime('UTC')"],
  ['ts_ms', 'UInt64'],
  ['site_id', 'String'],
  ['event_type', 'String'],
  ['event_name', 'String'],
  ['hostname', 'String'],
  ['pathname', 'String'],
  ['query', 'String'],
  ['utm_source', 'String'],
  ['utm_medium', 'String'],
  ['utm_campaign', 'String'],
  ['utm_term', 'String'],
  ['utm_content', 'String'],
  ['referrer', 'String'],
  ['referrer_host', 'String'],
  ['session_id', 'String'],
  ['visitor_id', 'String'],
  ['device_type', 'String'],
  ['browser', 'String'],
  ['os', 'String'],
  ['country', 'String'],
  ['region', 'String'],
  ['city', 'String'],
  ['prop_keys', 'Array(String)'],
  ['prop_values', 'Array(String)'],
  ['event_id', 'String'],
  ['row_key', 'String'],
  ['precedence', 'UInt64'],
];

/**
 * Schema, in the SQL shared by 18.16 and current ClickHouse (no DateTime64, TTL or parameters):
 * - `ts` DateTime (seconds) drives partitions and range scans; `ts_ms` keeps the exact time.
 * - Partitioned by month; ordered by (site, day, row_key): a site's time range is one contiguous
 *   slice of each part.
 * - ReplacingMergeTree on that key: `row_key` is `e:<event_id>` or a spool-assigned id, so a
 *   replayed or retried batch folds into one row; reads use FINAL so they see each event once
 *   even before the background merge. Of several copies the earliest received wins, as in the
 *   embedded store (`precedence` = 10^13 - ts_ms; ReplacingMergeTree keeps the largest).
 * - Properties as parallel arrays (`prop_keys[i]` = `prop_values[i]`), like the embedded store:
 *   `arrayElement(prop_values, indexOf(prop_keys, 'plan'))` reads one without a join.
 * With shards the Distributed table hashes on (site_id, row_key): copies of one event meet on one
 * shard, where FINAL can fold them.
 */
export function schemaStatements(database: string, shards: number): string[] {
  const db = sqlIdentifier(database);
  const local = shards > 1 ? 'events_local' : 'events';
  const columns = eventColumns.map(([name, type]) => `${name} ${type}`).join(',\n  ');
  const statements = [
    `CREATE DATABASE IF NOT EXISTS ${db}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${local} (
  ${columns}
) ENGINE = ReplacingMergeTree(precedence)
PARTITION BY toYYYYMM(ts)
ORDER BY (site_id, toDate(ts), row_key)`,
  ];
  if (shards > 1) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${db}.events AS ${db}.events_local
ENGINE = Distributed(${clusterName}, ${db}, events_local, cityHash64(site_id, row_key))`,
    );
  }
  return statements;
}

/** Creates what is missing on every shard; safe to run from every node at every start. */
export async function ensureSchema(shards: readonly ClickHouseHttp[], database: string): Promise<void> {
  for (const shard of shards) {
    for (const statement of schemaStatements(database, shards.length)) await shard.exec(statement);
  }
}
