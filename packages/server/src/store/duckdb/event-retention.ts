import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventRetention } from '../retention.ts';
import type { SerialQueue } from './serial.ts';

const dayMs = 86_400_000;

/** UTC day starts (ms) before `cutoffMs` that still hold events, oldest first. */
export async function expiredDays(connection: DuckDBConnection, cutoffMs: number): Promise<number[]> {
  const reader = await connection.runAndReadAll(
    `SELECT DISTINCT CAST(epoch_ms(date_trunc('day', ts)) AS DOUBLE) AS day_ms FROM events
     WHERE ts < make_timestamp($1::BIGINT * 1000) ORDER BY day_ms`,
    [cutoffMs],
  );
  return reader.getRowObjectsJS().map((row) => Number(row.day_ms));
}

/**
 * Deletes one UTC day of events in one transaction (a bounded amount of work, however large the
 * backlog), with its compaction record. Returns the number of events deleted.
 */
export async function deleteDay(connection: DuckDBConnection, dayStartMs: number): Promise<number> {
  const range = [dayStartMs, dayStartMs + dayMs];
  await connection.run('BEGIN TRANSACTION');
  try {
    const reader = await connection.runAndReadAll(
      'DELETE FROM events WHERE ts >= make_timestamp($1::BIGINT * 1000) AND ts < make_timestamp($2::BIGINT * 1000)',
      range,
    );
    await connection.run('DELETE FROM compacted_days WHERE day = make_timestamp($1::BIGINT * 1000)', [
      dayStartMs,
    ]);
    // Visits that ended by the end of the day: all their events are gone now (days go oldest first).
    await connection.run('DELETE FROM visits WHERE last_ts < make_timestamp($1::BIGINT * 1000)', [
      dayStartMs + dayMs,
    ]);
    // Pageviews whose last engaged moment was by the end of the day (their heartbeats, folded).
    await connection.run('DELETE FROM engagement WHERE last_ms < $1::BIGINT', [dayStartMs + dayMs]);
    await connection.run('COMMIT');
    return Number(reader.getRowsJS()[0]?.[0] ?? 0);
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Retention for the embedded store: expired days are deleted one day per transaction, each day a
 * separate task on `queue`, the queue the background compaction (event-compaction.ts) runs on. The
 * two jobs rewrite or delete whole days on their own connections; sharing the queue means they
 * never hold transactions on the same day at once (which DuckDB would fail as a write-write
 * conflict), and a large backlog of expired days does not starve compaction, which can run
 * between two days. Appends are never blocked: they run on the event store's connection and touch
 * only recent days.
 */
export class DuckDbEventRetention implements EventRetention {
  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly queue: SerialQueue,
  ) {}

  static async open(
    instance: { connect(): Promise<DuckDBConnection> },
    queue: SerialQueue,
  ): Promise<DuckDbEventRetention> {
    return new DuckDbEventRetention(await instance.connect(), queue);
  }

  async deleteBefore(cutoffMs: number): Promise<Record<string, number>> {
    const days = await this.queue.run(() => expiredDays(this.connection, cutoffMs));
    let rows = 0;
    for (const day of days) rows += await this.queue.run(() => deleteDay(this.connection, day));
    return { days: days.length, rows };
  }

  close(): void {
    this.connection.closeSync();
  }
}
