import { visitEntryColumns } from '../visit-entry-columns.ts';
import type { ClickHouseClient } from './client.ts';
import { sqlIdentifier, sqlInt, sqlString } from './sql.ts';

/**
 * The visit rollup on ClickHouse (issue 16), maintained at write time by the engine itself: a
 * materialized view on the events table folds every inserted block into partial visit rows, one
 * per (site, 15-minute bucket, session), holding aggregate states (first and last time, the first
 * event's entry fields, the first and last pageview's path, counts). AggregatingMergeTree merges
 * a bucket's partial rows in the background; a query merges the states of the buckets of its range
 * per session (`-Merge`), which gives each visit exactly as its events INSIDE the range describe
 * it — the same answer as rebuilding visits from the range's events, straddling visits included,
 * with no edge logic, for every range whose ends fall on a 15-minute boundary (local midnights
 * and hours in every time zone do). Other ranges rebuild visits from events.
 *
 * Why not Plausible's VersionedCollapsingMergeTree (cancel row + new row per visit): cancelling
 * needs the visit's previous row, i.e. a read before every write, and a visit keyed by its start
 * can move when a late event arrives earlier than its start. The states here are a pure function
 * of the events, in any order and any batching, with nothing to read at write time; the MV runs in
 * the insert itself, so the rollup is as durable and as exactly-once as the events (the loader's
 * insert-once check, insert-once.ts, covers both).
 */

/** The bucket width: 15 minutes, the finest step of any time zone's offset. */
export const visitBucketMs = 900_000;

/**
 * The entry fields kept per visit, in one arg-min state of a tuple (so that they all come from one
 * event), apart from the visitor (an `any` state: top stats need only it). Visit and visitor are
 * kept as the stats hash them (cityHash64): grouping 2.5M visits by a UInt64 is cheaper than by a
 * string. Measured on 18.16 with
 * 2.5M visits in 30 days: a state per field, or per group of fields, made a whole dashboard page's
 * batch hold too many string states per visit at once (over the 1.9 GB memory limit); one tuple
 * fits. Kept as groups so that a split can be measured again on current releases.
 */
export const visitEntryGroups = {
  fields: visitEntryColumns,
} as const satisfies Record<string, readonly string[]>;

export type VisitEntryGroup = keyof typeof visitEntryGroups;

/** The group holding an entry column and its position in the group's tuple (1-based), if any. */
export function entryGroupOf(column: string): { group: VisitEntryGroup; index: number } | undefined {
  for (const [group, columns] of Object.entries(visitEntryGroups) as Array<
    [VisitEntryGroup, readonly string[]]
  >) {
    const index = columns.indexOf(column);
    if (index >= 0) return { group, index: index + 1 };
  }
  return undefined;
}

const groupEntries = Object.entries(visitEntryGroups) as Array<[VisitEntryGroup, readonly string[]]>;

/**
 * The order the entry groups' arg-min states share: the event's time, ties between events of one
 * millisecond broken by its row key, so that every entry field of a visit comes from one event.
 */
export const entryOrder = 'ts_ms * 1024 + cityHash64(row_key) % 1024';

const pageview = "toUInt8(event_type = 'pageview')";

/**
 * Custom events sent with `interactive: false`, which do not end a bounce (stats/fields.ts). Added
 * after the first release of the rollup (`upgradeVisitBuckets`); a row stored before holds the
 * empty state, a sum of 0, which is right: every event before the flag was interactive.
 */
const quietCustomsType = 'AggregateFunction(sum, UInt64)';

/** Table, Distributed table (sharded) and the materialized view that fills the local one. */
export function visitBucketStatements(database: string, shards: number, clusterName: string): string[] {
  const db = sqlIdentifier(database);
  const local = shards > 1 ? 'visit_buckets_local' : 'visit_buckets';
  const events = shards > 1 ? 'events_local' : 'events';
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${db}.${local} (
  site_id String,
  bucket UInt32,
  session UInt64,
  visitor AggregateFunction(any, UInt64),
  first_ms AggregateFunction(min, UInt64),
  last_ms AggregateFunction(max, UInt64),
${groupEntries.map(([group, columns]) => `  entry_${group} AggregateFunction(argMin, Tuple(${columns.map(() => 'String').join(', ')}), UInt64),`).join('\n')}
  entry_page AggregateFunction(argMinIf, String, UInt64, UInt8),
  exit_page AggregateFunction(argMaxIf, String, UInt64, UInt8),
  pageviews AggregateFunction(sum, UInt64),
  customs AggregateFunction(sum, UInt64),
  quiet_customs ${quietCustomsType}
) ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(toDateTime(bucket * ${visitBucketMs / 1000}, 'UTC'))
ORDER BY (site_id, bucket, session)`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.visit_buckets_mv TO ${db}.${local} AS ${partialsSql(`${db}.${events}`)}`,
    `CREATE TABLE IF NOT EXISTS ${db}.rollup_state (name String, built UInt8, at UInt64) ENGINE = ReplacingMergeTree(at) ORDER BY name`,
  ];
  if (shards > 1) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${db}.visit_buckets AS ${db}.visit_buckets_local
ENGINE = Distributed(${clusterName}, ${db}, visit_buckets_local, cityHash64(site_id, session))`,
    );
  }
  return statements;
}

/** Partial visit rows (aggregate states) of the events in `source`. */
function partialsSql(source: string): string {
  return `SELECT site_id, toUInt32(intDiv(ts_ms, ${visitBucketMs})) AS bucket, cityHash64(session_id) AS session,
  anyState(cityHash64(visitor_id)) AS visitor, minState(ts_ms) AS first_ms, maxState(ts_ms) AS last_ms,
${groupEntries.map(([group, columns]) => `  argMinState(tuple(${columns.join(', ')}), toUInt64(${entryOrder})) AS entry_${group},`).join('\n')}
  argMinIfState(pathname, ts_ms, ${pageview}) AS entry_page,
  argMaxIfState(pathname, ts_ms, ${pageview}) AS exit_page,
  sumState(toUInt64(${pageview})) AS pageviews,
  sumState(toUInt64(1 - ${pageview})) AS customs,
  sumState(toUInt64((1 - ${pageview}) * (1 - interactive))) AS quiet_customs
FROM ${source} GROUP BY site_id, bucket, session`;
}

/** Whether the local rollup table exists yet (asked before `visitBucketStatements` run). */
export async function visitBucketsExist(
  shard: ClickHouseClient,
  database: string,
  shards: number,
): Promise<boolean> {
  const rows = await shard.rows<{ n: string }>(
    `SELECT count() AS n FROM system.tables WHERE database = ${sqlString(database)} AND name = ${sqlString(shards > 1 ? 'visit_buckets_local' : 'visit_buckets')}`,
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * Before `visitBucketStatements` on a shard whose rollup exists: a rollup made by a release before
 * `quiet_customs` gets the column (its old rows read the empty state, 0), and its view, which does
 * not fill it, is dropped so that `visitBucketStatements` creates it anew. The view goes first: a
 * start interrupted anywhere leaves either the column missing (done again) or the view missing
 * (created). Like the fill, this wants no insert meanwhile: this node's inserts wait for the schema
 * step, and with several nodes one node on the new release starts first.
 */
export async function upgradeVisitBuckets(
  shard: ClickHouseClient,
  database: string,
  shards: number,
): Promise<void> {
  const local = shards > 1 ? 'visit_buckets_local' : 'visit_buckets';
  const tables = shards > 1 ? [local, 'visit_buckets'] : [local];
  const present = await shard.rows<{ table: string }>(
    `SELECT table FROM system.columns WHERE database = ${sqlString(database)} AND name = 'quiet_customs' AND table IN (${tables.map(sqlString).join(', ')})`,
  );
  const having = new Set(present.map((row) => row.table));
  const db = sqlIdentifier(database);
  if (!having.has(local)) {
    await shard.exec(`DROP TABLE IF EXISTS ${db}.visit_buckets_mv`);
    await shard.exec(`ALTER TABLE ${db}.${local} ADD COLUMN quiet_customs ${quietCustomsType}`);
  }
  // The Distributed table of a sharded rollup, when it exists (it is created after the local one).
  if (shards > 1 && !having.has('visit_buckets')) {
    const exists = await shard.rows<{ n: string }>(
      `SELECT count() AS n FROM system.tables WHERE database = ${sqlString(database)} AND name = 'visit_buckets'`,
    );
    if (Number(exists[0]?.n ?? 0) > 0)
      await shard.exec(`ALTER TABLE ${db}.visit_buckets ADD COLUMN quiet_customs ${quietCustomsType}`);
  }
}

/**
 * After `visitBucketStatements` on a shard: fills a rollup table created just now from the events
 * stored before it existed (an upgraded database; the view sees only later inserts), one month
 * of events per statement, calling `progress` after each. Nothing may be inserted into the events
 * meanwhile (those rows would be counted twice): the store holds its loader until this is done
 * (the log keeps accepting), and with several nodes, one node on the new release starts first.
 * Until `markVisitBucketsBuilt`, the stats rebuild visits from events.
 */
export async function fillVisitBuckets(
  shard: ClickHouseClient,
  database: string,
  shards: number,
  progress: (done: number, of: number) => void = () => undefined,
): Promise<void> {
  const db = sqlIdentifier(database);
  const local = shards > 1 ? 'visit_buckets_local' : 'visit_buckets';
  const events = `${db}.${shards > 1 ? 'events_local' : 'events'}`;
  const months = await shard.rows<{ m: string | number }>(
    `SELECT DISTINCT toYYYYMM(ts) AS m FROM ${events} ORDER BY m`,
  );
  for (const [i, { m }] of months.entries()) {
    await shard.exec(
      `INSERT INTO ${db}.${local} ${partialsSql(`(SELECT * FROM ${events} WHERE toYYYYMM(ts) = ${sqlInt(Number(m))})`)}`,
    );
    progress(i + 1, months.length);
  }
}

/** Drops a shard's rollup table and view (a fill that failed is started again from nothing). */
export async function dropVisitBuckets(
  shard: ClickHouseClient,
  database: string,
  shards: number,
): Promise<void> {
  const db = sqlIdentifier(database);
  await shard.exec(`DROP TABLE IF EXISTS ${db}.visit_buckets_mv`);
  await shard.exec(`DROP TABLE IF EXISTS ${db}.${shards > 1 ? 'visit_buckets_local' : 'visit_buckets'}`);
}

/** Records that the rollup holds every stored event (on the entry server). */
export async function markVisitBucketsBuilt(client: ClickHouseClient, database: string): Promise<void> {
  await client.exec(
    `INSERT INTO ${sqlIdentifier(database)}.rollup_state (name, built, at) VALUES ('visits', 1, 1)`,
  );
}

/** Whether the rollup is built (the stats then read it). */
export async function visitBucketsBuilt(client: ClickHouseClient, database: string): Promise<boolean> {
  const rows = await client.rows<{ built: string }>(
    `SELECT argMax(built, at) AS built FROM ${sqlIdentifier(database)}.rollup_state WHERE name = ${sqlString('visits')}`,
  );
  return Number(rows[0]?.built ?? 0) === 1;
}
