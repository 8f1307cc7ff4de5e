import type {
  EventReader,
  EventStream,
  ExportedEvent,
  PageRequest,
  SiteUsage,
  VisitPage,
} from '../event-reader.ts';
import { exportedColumns, siteUsageFromRow, visitFromRow } from '../event-reader.ts';
import type { ClickHouseClient } from './client.ts';
import { connectClickHouse } from './connect.ts';
import { sqlInt, sqlString } from './sql.ts';
import type { ClickHouseTarget } from './target.ts';

type Row = Record<string, unknown>;
const storedColumns = exportedColumns.filter((column) => column !== 'ts');

/**
 * `[startMs, endMs)` on ClickHouse: the coarse `ts` (seconds, the partition and sort key) prunes
 * parts and granules, the exact `ts_ms` decides.
 */
function timeRange(startMs: number, endMs: number): string {
  return `ts >= toDateTime(${sqlInt(Math.floor(startMs / 1000))}) AND ts <= toDateTime(${sqlInt(Math.floor(endMs / 1000))})
    AND ts_ms >= ${sqlInt(Math.floor(startMs))} AND ts_ms < ${sqlInt(Math.ceil(endMs))}`;
}

/**
 * Raw-event reads on ClickHouse, answered the same as the embedded store's. No FINAL: each event
 * is stored once (replays and retries send only the rows not stored yet, schema.ts). SQL is the subset ClickHouse 18.16 shares with current releases
 * (no window functions: a visit page's total is a second query).
 */
export class ClickHouseEventReader implements EventReader {
  private readonly http: ClickHouseClient;
  private readonly events: string;

  constructor(target: ClickHouseTarget) {
    // The first server's `events` is the whole data set: a Distributed table when sharded.
    this.http = connectClickHouse(target, target.shardUrls[0]!);
    this.events = `${target.database}.events`;
  }

  async liveVisitors(siteId: string, sinceMs: number, untilMs: number): Promise<number> {
    const rows = await this.http.rows<Row>(
      `SELECT uniqExact(visitor_id) AS live FROM ${this.events}
       WHERE site_id = ${sqlString(siteId)}
         AND ts >= toDateTime(${sqlInt(Math.floor(sinceMs / 1000))}) AND ts <= toDateTime(${sqlInt(Math.floor(untilMs / 1000))})
         AND ts_ms > ${sqlInt(Math.floor(sinceMs))} AND ts_ms <= ${sqlInt(Math.floor(untilMs))}`,
    );
    return Number(rows[0]?.live ?? 0);
  }

  /**
   * Count and rows are separate reads (ClickHouse has no snapshot across statements): an event that
   * lands in the range between them (a spool replay of an old day) can make them differ by that.
   * Rows come oldest first, one UTC day per statement: each day is sorted on its own, so memory
   * stays bounded by a day of the site's events, however long the range.
   */
  async streamEvents(siteId: string, startMs: number, endMs: number): Promise<EventStream> {
    const where = `site_id = ${sqlString(siteId)} AND ${timeRange(startMs, endMs)}`;
    const [counted, days] = await Promise.all([
      this.http.rows<Row>(`SELECT count() AS n FROM ${this.events} WHERE ${where}`),
      this.http.rows<{ day: number }>(
        `SELECT DISTINCT toUInt32(intDiv(toUInt32(ts), 86400)) AS day FROM ${this.events} WHERE ${where} ORDER BY day`,
      ),
    ]);
    const dayRows = (day: number) =>
      this.http.streamRows<Row>(
        `SELECT ts_ms, ${storedColumns.join(', ')}, prop_keys, prop_values FROM ${this.events}
         WHERE ${where} AND ts >= toDateTime(${sqlInt(day * 86_400)}) AND ts < toDateTime(${sqlInt((day + 1) * 86_400)})
         ORDER BY ts_ms, row_key`,
      );
    return {
      rows: Number(counted[0]?.n ?? 0),
      batches: exported(
        daysInTurn(
          days.map((row) => Number(row.day)),
          dayRows,
        ),
      ),
    };
  }

  async recentVisits(siteId: string, startMs: number, endMs: number, page: PageRequest): Promise<VisitPage> {
    const where = `site_id = ${sqlString(siteId)} AND ${timeRange(startMs, endMs)}`;
    const [rows, counted] = await Promise.all([
      this.http.rows<Row>(
        `SELECT session_id, argMin(visitor_id, ts_ms) AS visitor_id,
           min(ts_ms) AS started_ms, max(ts_ms) AS last_ms,
           countIf(event_type = 'pageview') AS pageviews, count() AS events,
           argMinIf(pathname, ts_ms, event_type = 'pageview') AS entry_page,
           argMaxIf(pathname, ts_ms, event_type = 'pageview') AS exit_page,
           argMin(referrer_host, ts_ms) AS referrer_host, argMin(country, ts_ms) AS country,
           argMin(region, ts_ms) AS region, argMin(city, ts_ms) AS city,
           argMin(device_type, ts_ms) AS device, argMin(browser, ts_ms) AS browser, argMin(os, ts_ms) AS os
         FROM ${this.events} WHERE ${where}
         GROUP BY session_id
         ORDER BY last_ms DESC, session_id
         LIMIT ${sqlInt(page.offset)}, ${sqlInt(page.limit)}`,
      ),
      this.http.rows<Row>(`SELECT uniqExact(session_id) AS total FROM ${this.events} WHERE ${where}`),
    ]);
    return { visits: rows.map(visitFromRow), total: Number(counted[0]?.total ?? 0) };
  }

  async usage(startMs: number, endMs: number): Promise<SiteUsage[]> {
    const rows = await this.http.rows<Row>(
      `SELECT site_id, count() AS events, countIf(event_type = 'pageview') AS pageviews
       FROM ${this.events} WHERE ${timeRange(startMs, endMs)}
       GROUP BY site_id ORDER BY site_id`,
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
    const rows = await this.http.rows<Row>(
      `SELECT key, count() AS uses
       FROM ${this.events} ARRAY JOIN prop_keys AS key
       WHERE site_id = ${sqlString(siteId)} AND event_name = ${sqlString(eventName)} AND ${timeRange(startMs, endMs)}
       GROUP BY key ORDER BY uses DESC, key LIMIT ${sqlInt(limit)}`,
    );
    return rows.map((row) => String(row.key));
  }
}

async function* daysInTurn(
  days: readonly number[],
  rowsOf: (day: number) => AsyncGenerator<Row[]>,
): AsyncGenerator<Row[]> {
  for (const day of days) yield* rowsOf(day);
}

async function* exported(batches: AsyncGenerator<Row[]>): AsyncGenerator<ExportedEvent[]> {
  try {
    for await (const batch of batches) {
      yield batch.map((row) => {
        const { ts_ms, ...rest } = row;
        return { ts: new Date(Number(ts_ms)).toISOString(), ...rest } as unknown as ExportedEvent;
      });
    }
  } finally {
    await batches.return(undefined);
  }
}
