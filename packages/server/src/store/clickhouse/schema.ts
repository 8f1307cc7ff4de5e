import type { ClickHouseClient } from './client.ts';
import { engagementStatements } from './engagement.ts';
import { sqlIdentifier, sqlString } from './sql.ts';
import { upgradeVisitBuckets, visitBucketStatements, visitBucketsExist } from './visit-buckets.ts';

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
  // Revenue (ingest/revenue.ts): exact ten-thousandths of the currency unit; '' = no revenue.
  ['revenue_e4', 'Int64'],
  ['revenue_currency', 'String'],
  // 0 for an event sent with `interactive: false` (a custom event that does not end a bounce).
  ['interactive', 'UInt8'],
];

/** Columns added after the first release, with their defaults: tables made before get them by ALTER. */
const addedColumns: ReadonlyArray<readonly [string, string]> = [
  ['revenue_e4', 'Int64 DEFAULT 0'],
  ['revenue_currency', "String DEFAULT ''"],
  ['interactive', 'UInt8 DEFAULT 1'],
];

/**
 * Schema, in the SQL shared by 18.16 and current ClickHouse (no DateTime64, TTL or parameters):
 * - `ts` DateTime (seconds) drives partitions and range scans; `ts_ms` keeps the exact time.
 * - Partitioned by month; ordered by (site, day, row_key): a site's time range is one contiguous
 *   slice of each part.
 * - Each event is stored once, so reads need no FINAL. `row_key` is `e:<event_id>` or an id the
 *   spool gives a row once. Copies could only come from sending a batch again whose first insert
 *   landed unseen (answer lost, crash between insert and spool delete, ClickHouse restart): such
 *   a batch is sent again only after asking ClickHouse which of its (site, day, row_key) are
 *   stored, and only the others go (insert-once.ts; the spool does it for leftover segments and
 *   after any failed attempt, a direct `append` always). A copy of one `event_id` sent to two
 *   nodes is stopped before the spool by the shared (Redis) idempotency window.
 * - Why not FINAL: on 18.16 it merges the parts of the range on one thread while reading, and
 *   reads the key columns besides: on the 10M-event bench it doubled the CPU of every dashboard
 *   statement and pushed the visit build past the 2 GB memory limit (`npm run bench:scale`).
 * - ReplacingMergeTree on that key stays as the backstop: a copy that still slips in (two nodes
 *   each accepting the same `event_id` while Redis is unreachable, or rows stored twice by a
 *   release that read with FINAL) is folded at the next background merge, or at once by
 *   `OPTIMIZE TABLE … FINAL`. Of several copies the earliest wins, as in the embedded store
 *   (`precedence` = 10^13 - ts_ms; ReplacingMergeTree keeps the largest).
 * - Properties as parallel arrays (`prop_keys[i]` = `prop_values[i]`), like the embedded store:
 *   `arrayElement(prop_values, indexOf(prop_keys, 'plan'))` reads one without a join.
 * With shards the Distributed table hashes on (site_id, row_key): copies of one event meet on one
 * shard, where a merge can fold them; inserts wait for every shard (by the setting the server's
 * version names, server-version.ts), so "which rows are stored" is answered over all of them.
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
  // Exchange rates on every shard, never Distributed: the stats join them on each shard's own rows.
  statements.push(fxRatesTable(database));
  // Heartbeats folded per pageview (engagement.ts), sharded like the events when there are shards.
  statements.push(...engagementStatements(database, shards, clusterName));
  if (shards > 1) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${db}.events AS ${db}.events_local
ENGINE = Distributed(${clusterName}, ${db}, events_local, cityHash64(site_id, row_key))`,
    );
  }
  return statements;
}

/**
 * Units of currency per 1 EUR for each calendar day (store/clickhouse/fx-store.ts). Of a day's
 * copies the latest-published wins (`source_version` = YYYYMMDD of the ECB's date), at merge time
 * or by `argMax` when read, so a carried weekend rate never replaces a published one.
 */
export function fxRatesTable(database: string): string {
  return `CREATE TABLE IF NOT EXISTS ${sqlIdentifier(database)}.fx_rates (
  day String,
  currency String,
  per_eur Float64,
  source_version UInt32
) ENGINE = ReplacingMergeTree(source_version)
ORDER BY (currency, day)`;
}

/**
 * Creates what is missing on every shard; safe to run from every node at every start. Returns the
 * shards whose visit rollup was created just now: it must be filled from their stored events
 * (`fillVisitBuckets`) before anything else is inserted, then marked built.
 */
export async function ensureSchema(shards: readonly ClickHouseClient[], database: string): Promise<number[]> {
  const newRollups: number[] = [];
  for (const [index, shard] of shards.entries()) {
    // The visit rollup is made after the events table (its view reads the events' inserts).
    const hadRollup = await visitBucketsExist(shard, database, shards.length);
    for (const statement of schemaStatements(database, shards.length)) await shard.exec(statement);
    const tables = shards.length > 1 ? ['events_local', 'events'] : ['events'];
    for (const table of tables) await addMissingColumns(shard, database, table);
    if (hadRollup) await upgradeVisitBuckets(shard, database, shards.length);
    for (const statement of visitBucketStatements(database, shards.length, clusterName))
      await shard.exec(statement);
    if (!hadRollup) newRollups.push(index);
  }
  return newRollups;
}

/**
 * Upgrades a table made by an earlier release: each added column is created with its default, so
 * old rows read as "no revenue". Asked from system.columns first, because `ADD COLUMN IF NOT
 * EXISTS` is not in 18.16's grammar for every engine (and a Distributed table needs it too).
 */
async function addMissingColumns(shard: ClickHouseClient, database: string, table: string): Promise<void> {
  const present = await shard.rows<{ name: string }>(
    `SELECT name FROM system.columns WHERE database = ${sqlString(database)} AND table = ${sqlString(table)}`,
  );
  const names = new Set(present.map((row) => row.name));
  for (const [name, type] of addedColumns) {
    if (!names.has(name)) {
      await shard.exec(`ALTER TABLE ${sqlIdentifier(database)}.${table} ADD COLUMN ${name} ${type}`);
    }
  }
}
