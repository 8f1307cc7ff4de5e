import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import type {
  EventReader,
  EventStream,
  ExportedEvent,
  PageRequest,
  SiteUsage,
  VisitPage,
} from '../event-reader.ts';
import { exportedColumns, siteUsageFromRow, visitFromRow } from '../event-reader.ts';

type Row = Record<string, unknown>;

/** A timestamp bound from epoch milliseconds: `make_timestamp` takes microseconds. */
const tsFromMs = (placeholder: string) => `make_timestamp(${placeholder}::BIGINT * 1000)`;
const inRange = `site_id = $1 AND ts >= ${tsFromMs('$2')} AND ts < ${tsFromMs('$3')}`;
const storedColumns = exportedColumns.filter((column) => column !== 'ts');

/**
 * Raw-event reads on the embedded DuckDB file. Each read runs on a short-lived connection of its
 * own: connections are cheap in DuckDB, and one per read keeps reads from queueing behind the
 * writer's or each other's. User input only ever arrives as bound parameters.
 */
export class DuckDbEventReader implements EventReader {
  constructor(private readonly instance: DuckDBInstance) {}

  async liveVisitors(siteId: string, sinceMs: number, untilMs: number): Promise<number> {
    const rows = await this.read(
      `SELECT count(DISTINCT visitor_id) AS live FROM events
       WHERE site_id = $1 AND ts > ${tsFromMs('$2')} AND ts <= ${tsFromMs('$3')}`,
      [siteId, sinceMs, untilMs],
    );
    return Number(rows[0]?.live ?? 0);
  }

  /**
   * DuckDB yields one vector (≤ 2,048 rows) at a time. Rows come in storage order, which is
   * receive order (no ORDER BY: sorting would hold the whole result). Count and rows come from one
   * transaction, so they agree.
   */
  async streamEvents(siteId: string, startMs: number, endMs: number): Promise<EventStream> {
    const params = [siteId, startMs, endMs];
    const connection = await this.instance.connect();
    try {
      await connection.run('BEGIN TRANSACTION');
      const counted = await connection.runAndReadAll(
        `SELECT count(*) AS n FROM events WHERE ${inRange}`,
        params,
      );
      const rows = Number(counted.getRowObjectsJS()[0]?.n ?? 0);
      const result = await connection.stream(
        `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS ts, ${storedColumns.join(', ')}, prop_keys, prop_values
         FROM events WHERE ${inRange}`,
        params,
      );
      return { rows, batches: batchesOf(connection, result.yieldRowObjectJs()) };
    } catch (error) {
      connection.closeSync();
      throw error;
    }
  }

  async recentVisits(siteId: string, startMs: number, endMs: number, page: PageRequest): Promise<VisitPage> {
    const rows = await this.read(
      `WITH visits AS (
         SELECT session_id, arg_min(visitor_id, ts) AS visitor_id,
           CAST(epoch_ms(min(ts)) AS DOUBLE) AS started_ms, CAST(epoch_ms(max(ts)) AS DOUBLE) AS last_ms,
           count(*) FILTER (WHERE event_type = 'pageview') AS pageviews, count(*) AS events,
           arg_min(pathname, ts) FILTER (WHERE event_type = 'pageview') AS entry_page,
           arg_max(pathname, ts) FILTER (WHERE event_type = 'pageview') AS exit_page,
           arg_min(referrer_host, ts) AS referrer_host, arg_min(country, ts) AS country,
           arg_min(region, ts) AS region, arg_min(city, ts) AS city, arg_min(device_type, ts) AS device,
           arg_min(browser, ts) AS browser, arg_min(os, ts) AS os
         FROM events WHERE ${inRange}
         GROUP BY session_id)
       SELECT *, count(*) OVER () AS total FROM visits
       ORDER BY last_ms DESC, session_id LIMIT $4 OFFSET $5`,
      [siteId, startMs, endMs, page.limit, page.offset],
    );
    if (rows.length > 0) return { visits: rows.map(visitFromRow), total: Number(rows[0]!.total) };
    // Past the last page no row carries the total: count separately.
    const counted = await this.read(
      `SELECT count(DISTINCT session_id) AS total FROM events WHERE ${inRange}`,
      [siteId, startMs, endMs],
    );
    return { visits: [], total: Number(counted[0]?.total ?? 0) };
  }

  async usage(startMs: number, endMs: number): Promise<SiteUsage[]> {
    const rows = await this.read(
      `SELECT site_id, count(*) AS events, count(*) FILTER (WHERE event_type = 'pageview') AS pageviews
       FROM events WHERE ts >= ${tsFromMs('$1')} AND ts < ${tsFromMs('$2')} GROUP BY site_id ORDER BY site_id`,
      [startMs, endMs],
    );
    return rows.map(siteUsageFromRow);
  }

  async propertyKeys(
    siteId: string,
    eventName: string,
    startMs: number,
    endMs: number,
    limit: number,
  ): Promise<string[]> {
    const rows = await this.read(
      `SELECT key, count(*) AS uses
       FROM (SELECT unnest(prop_keys) AS key FROM events
             WHERE site_id = $1 AND event_name = $4
               AND ts >= ${tsFromMs('$2')} AND ts < ${tsFromMs('$3')})
       GROUP BY key ORDER BY uses DESC, key LIMIT $5`,
      [siteId, startMs, endMs, eventName, limit],
    );
    return rows.map((row) => String(row.key));
  }

  private async read(sql: string, params: DuckDBValue[]): Promise<Row[]> {
    const connection = await this.instance.connect();
    try {
      return (await connection.runAndReadAll(sql, params)).getRowObjectsJS() as Row[];
    } finally {
      connection.closeSync();
    }
  }
}

async function* batchesOf(
  connection: DuckDBConnection,
  batches: AsyncIterable<Row[]>,
): AsyncGenerator<ExportedEvent[]> {
  try {
    for await (const batch of batches) {
      if (batch.length > 0) yield batch as unknown as ExportedEvent[];
    }
  } finally {
    // Also runs when the consumer goes away early: the generator is returned.
    await connection.run('COMMIT').catch(() => undefined);
    connection.closeSync();
  }
}
