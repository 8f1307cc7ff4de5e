import type { DuckDBInstance } from '@duckdb/node-api';
import type { ResolvedRange } from '../stats/index.ts';

/** At most this many keys are offered for one event (the most used first). */
const maxKeys = 25;

/**
 * The property keys one custom event carried in a range, most used first: the tabs of the
 * events drill-down. Only names are listed here; every number shown for them comes from the stats
 * engine (`event:props:<key>` breakdowns).
 */
export async function propertyKeys(
  duckdb: DuckDBInstance,
  siteId: string,
  eventName: string,
  range: ResolvedRange,
): Promise<string[]> {
  const connection = await duckdb.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT key, count(*) AS uses
       FROM (SELECT unnest(prop_keys) AS key FROM events
             WHERE site_id = $1 AND event_name = $2
               AND ts >= make_timestamp($3::BIGINT * 1000) AND ts < make_timestamp($4::BIGINT * 1000))
       GROUP BY key ORDER BY uses DESC, key LIMIT ${maxKeys}`,
      [siteId, eventName, range.startMs, range.endMs],
    );
    return reader.getRowObjectsJS().map((row) => String(row.key));
  } finally {
    connection.closeSync();
  }
}
