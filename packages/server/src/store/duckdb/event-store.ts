import {
  BIGINT,
  BOOLEAN,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBInstance,
  DuckDBTimestampValue,
  LIST,
  listValue,
  TIMESTAMP,
  VARCHAR,
} from '@duckdb/node-api';
import type { LogBatch, LogPosition, LogSink } from '../../event-log/log-loader.ts';
import { type HeartbeatRow, type LogRow, splitLogRows } from '../../ingest/heartbeat-types.ts';
import type { EventRow } from '../../ingest/types.ts';
import type { KeyedRow } from '../clickhouse/insert-once.ts';
import type { EventStore } from '../types.ts';
import { mergeIntoEngagement } from './engagement-merge.ts';
import { SerialQueue } from './serial.ts';
import { mergeIntoVisits } from './visit-rollup.ts';
import { yieldToEventLoop } from './yield.ts';

/** Column order of the `events` table; the appender writes by position. */
const columnTypes = [
  TIMESTAMP,
  ...Array.from({ length: 21 }, () => VARCHAR),
  LIST(VARCHAR),
  LIST(VARCHAR),
  VARCHAR,
  BIGINT,
  VARCHAR,
  BOOLEAN,
];

/**
 * Rows handed to DuckDB per slice. Building a chunk, appending and flushing it run on the event
 * loop (the appender's calls are synchronous): 43–54 ms of it per 4,000-row load, the loader's
 * batch at full load (`node --import tsx bench/ingest/store-commit.ts 4000 100`), which held
 * every request arriving meanwhile. Slices of 256 rows (~3 ms each) with a yield between them let
 * those requests through; the extra flushes cost within that bench's noise (±10 %).
 */
const rowsPerSlice = 256;

/**
 * Appends events through DuckDB's appender inside one explicit transaction per batch, so a whole
 * batch costs one commit (one WAL fsync). Resolves only after COMMIT returns. As the append log's
 * sink, each batch commits the log position it reaches in the same transaction.
 */
export class DuckDbEventStore implements EventStore, LogSink {
  private appender: DuckDBAppender | null = null;
  private readonly queue = new SerialQueue();

  private constructor(
    private readonly writeConnection: DuckDBConnection,
    private readonly readConnection: DuckDBConnection,
    private readonly maintainVisitRollup: boolean,
  ) {}

  /** `maintainVisitRollup` false (`ZENOVAY_VISIT_ROLLUP=off`): batches leave `visits` alone. */
  static async open(
    instance: DuckDBInstance,
    options: { maintainVisitRollup?: boolean } = {},
  ): Promise<DuckDbEventStore> {
    return new DuckDbEventStore(
      await instance.connect(),
      await instance.connect(),
      options.maintainVisitRollup ?? true,
    );
  }

  append(rows: readonly LogRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    const { events, heartbeats } = splitLogRows(rows.map((row) => ({ row })));
    return this.queue.run(() =>
      this.appendNow(
        events.map((item) => item.row),
        heartbeats,
        null,
      ),
    );
  }

  /** The log's batch, exactly once: the position is committed with the rows (`replay` is moot). */
  load(rows: readonly KeyedRow[], batch: LogBatch): Promise<void> {
    const { events, heartbeats } = splitLogRows(rows);
    return this.queue.run(() =>
      this.appendNow(
        events.map((item) => item.row),
        heartbeats,
        batch,
      ),
    );
  }

  async loadedPosition(logId: string): Promise<LogPosition> {
    const reader = await this.readConnection.runAndReadAll(
      'SELECT segment, byte_offset FROM log_position WHERE log_id = $1',
      [logId],
    );
    const row = reader.getRowObjectsJS()[0];
    // A log this file never saw starts from its beginning.
    return row
      ? { sequence: Number(row.segment), offset: Number(row.byte_offset) }
      : { sequence: 0, offset: 0 };
  }

  private async appendNow(
    rows: readonly EventRow[],
    heartbeats: readonly HeartbeatRow[],
    batch: LogBatch | null,
  ): Promise<void> {
    await this.writeConnection.run('BEGIN TRANSACTION');
    try {
      const appender = await this.currentAppender();
      for (let start = 0; start < rows.length; start += rowsPerSlice) {
        appender.appendDataChunk(toChunk(rows.slice(start, start + rowsPerSlice)));
        appender.flushSync();
        await yieldToEventLoop();
      }
      if (this.maintainVisitRollup) await mergeIntoVisits(this.writeConnection, rows);
      // Heartbeats fold into `engagement` in the same transaction as the events and the position.
      await mergeIntoEngagement(this.writeConnection, heartbeats);
      if (batch) {
        await this.writeConnection.run('INSERT OR REPLACE INTO log_position VALUES ($1, $2, $3)', [
          batch.logId,
          batch.sequence,
          batch.to,
        ]);
      }
      await this.writeConnection.run('COMMIT');
    } catch (error) {
      this.appender = null; // an appender that failed mid-flush cannot be trusted again
      await this.writeConnection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private async currentAppender(): Promise<DuckDBAppender> {
    this.appender ??= await this.writeConnection.createAppender('events');
    return this.appender;
  }

  async recentEventIds(sinceMs: number): Promise<Array<{ siteId: string; eventId: string; ts: number }>> {
    const reader = await this.readConnection.runAndReadAll(
      `SELECT site_id, event_id, CAST(epoch_ms(ts) AS DOUBLE) AS ts_ms
       FROM events WHERE event_id <> '' AND ts >= make_timestamp($1::BIGINT * 1000)
       ORDER BY ts`,
      [Math.floor(sinceMs)],
    );
    return reader.getRowObjectsJS().map((row) => ({
      siteId: String(row.site_id),
      eventId: String(row.event_id),
      ts: Number(row.ts_ms),
    }));
  }

  async recentServerVisits(
    sinceMs: number,
  ): Promise<Array<{ siteId: string; visitorId: string; sessionId: string; lastMs: number }>> {
    const reader = await this.readConnection.runAndReadAll(
      `SELECT site_id, visitor_id, arg_max(session_id, ts) AS session_id, CAST(epoch_ms(max(ts)) AS DOUBLE) AS last_ms
       FROM events
       WHERE ts >= make_timestamp($1::BIGINT * 1000) AND starts_with(session_id, 'zs_')
       GROUP BY site_id, visitor_id
       ORDER BY last_ms`,
      [Math.floor(sinceMs)],
    );
    return reader.getRowObjectsJS().map((row) => ({
      siteId: String(row.site_id),
      visitorId: String(row.visitor_id),
      sessionId: String(row.session_id),
      lastMs: Number(row.last_ms),
    }));
  }

  close(): void {
    try {
      this.appender?.closeSync();
    } catch {
      // nothing is pending between batches; a failed close has nothing to lose
    }
    this.writeConnection.closeSync();
    this.readConnection.closeSync();
  }
}

/** Most events carry no properties: share one empty list instead of building two per row. */
const noProperties = listValue([]);

function toChunk(rows: readonly EventRow[]): DuckDBDataChunk {
  const chunk = DuckDBDataChunk.create(columnTypes, rows.length);
  chunk.setRows(
    rows.map((row) => [
      new DuckDBTimestampValue(BigInt(Math.floor(row.ts)) * 1000n),
      row.siteId,
      row.eventType,
      row.eventName,
      row.hostname,
      row.pathname,
      row.query,
      row.utmSource,
      row.utmMedium,
      row.utmCampaign,
      row.utmTerm,
      row.utmContent,
      row.referrer,
      row.referrerHost,
      row.sessionId,
      row.visitorId,
      row.deviceType,
      row.browser,
      row.os,
      row.country,
      row.region,
      row.city,
      row.propKeys.length === 0 ? noProperties : listValue(row.propKeys),
      row.propValues.length === 0 ? noProperties : listValue(row.propValues),
      row.eventId,
      BigInt(row.revenueE4 ?? '0'),
      row.revenueCurrency ?? '',
      row.interactive !== false,
    ]),
  );
  return chunk;
}
