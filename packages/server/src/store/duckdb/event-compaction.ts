import type { DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from '../../log.ts';
import { SerialQueue } from './serial.ts';

/**
 * Physical layout for the stats engine. Ingest appends events in arrival (≈ time) order, so every
 * storage vector holds rows of every site and a one-site scan must decompress all the columns of
 * all the vectors in its range. Once a UTC day can no longer receive events (batch ingest accepts
 * timestamps at most 47 h in the past, see `ZENOVAY_BATCH_MAX_PAST_HOURS`), its rows are rewritten
 * ordered by (site_id, ts): a site's rows of that day then sit in a few adjacent vectors, and the
 * scan skips the other vectors' columns (measured: the 30-day scan of a typical site on the 10M
 * bench dataset went from ~60 to ~12 ms of CPU). Rows are only moved, never changed.
 *
 * Safety: each day is one transaction (copy to a temp table, delete, re-insert, record), so a
 * crash leaves the day either untouched or fully rewritten (DuckDB's WAL). It runs on a connection
 * of its own: concurrent appends are not blocked, and rows committed by others after the
 * transaction began are invisible to it, so they are neither copied nor deleted. Deleting a site
 * while its day is being compacted is a write-write conflict in DuckDB: whichever deletes second
 * fails (the compaction retries on a later pass; a site deletion would have to be retried by its
 * caller) — days take well under a second for typical sizes, so the window is small.
 */

const dayMs = 86_400_000;
/** A day is closed this long after its end: the 47 h past-timestamp limit plus a margin. */
export const closedAfterMs = 49 * 3_600_000;

/** UTC day starts (ms) that are closed and whose row count differs from when they were last compacted. */
export async function daysToCompact(connection: DuckDBConnection, nowMs: number): Promise<number[]> {
  const cutoffMs = Math.floor((nowMs - closedAfterMs) / dayMs) * dayMs;
  const reader = await connection.runAndReadAll(
    `SELECT CAST(epoch_ms(d.day) AS DOUBLE) AS day_ms
     FROM (SELECT date_trunc('day', ts) AS day, count(*) AS n FROM events
           WHERE ts < make_timestamp($1::BIGINT * 1000) GROUP BY ALL) d
     LEFT JOIN compacted_days c ON c.day = d.day
     WHERE c.row_count IS DISTINCT FROM d.n
     ORDER BY d.day DESC`,
    [cutoffMs],
  );
  return reader.getRowObjectsJS().map((row) => Number(row.day_ms));
}

/** Rewrites one UTC day's events ordered by (site_id, ts); returns the number of rows moved. */
export async function compactDay(connection: DuckDBConnection, dayStartMs: number): Promise<number> {
  const range = [dayStartMs, dayStartMs + dayMs];
  const inDay = 'ts >= make_timestamp($1::BIGINT * 1000) AND ts < make_timestamp($2::BIGINT * 1000)';
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE zv_compact_day AS SELECT * FROM events WHERE ${inDay} ORDER BY site_id, ts`,
      range,
    );
    await connection.run(`DELETE FROM events WHERE ${inDay}`, range);
    const reader = await connection.runAndReadAll('INSERT INTO events SELECT * FROM zv_compact_day');
    const moved = Number(reader.getRowsJS()[0]?.[0] ?? 0);
    // The visit rollup's rows of visits that began that day, likewise ordered by site: the stats
    // engine's visit scans then skip other sites' vectors too (site-10 of the 10M bench dataset:
    // ~7 ms per visit scan before). A visit the loader extends meanwhile (a late event) is a
    // write-write conflict: one of the two transactions fails and is retried (the loader keeps
    // its records, this day is compacted on a later pass).
    const visitsOfDay = inDay.replaceAll('ts ', 'first_ts ');
    await connection.run(
      `CREATE OR REPLACE TEMP TABLE zv_compact_visits AS SELECT * FROM visits WHERE ${visitsOfDay} ORDER BY site_id, first_ts`,
      range,
    );
    await connection.run(`DELETE FROM visits WHERE ${visitsOfDay}`, range);
    await connection.run('INSERT INTO visits SELECT * FROM zv_compact_visits');
    await connection.run('DROP TABLE zv_compact_visits');
    await connection.run(
      `INSERT OR REPLACE INTO compacted_days VALUES (make_timestamp($1::BIGINT * 1000), $2::BIGINT)`,
      [dayStartMs, moved],
    );
    await connection.run('DROP TABLE zv_compact_day');
    await connection.run('COMMIT');
    return moved;
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    await connection.run('DROP TABLE IF EXISTS zv_compact_day').catch(() => undefined);
    await connection.run('DROP TABLE IF EXISTS zv_compact_visits').catch(() => undefined);
    throw error;
  }
}

/** Compacts up to `maxDays` closed days (newest first: they are the ones dashboards read most). */
export async function compactClosedDays(
  connection: DuckDBConnection,
  nowMs: number,
  maxDays = Number.POSITIVE_INFINITY,
): Promise<{ days: number; rows: number }> {
  let days = 0;
  let rows = 0;
  for (const day of await daysToCompact(connection, nowMs)) {
    if (days >= maxDays) break;
    rows += await compactDay(connection, day);
    days += 1;
  }
  return { days, rows };
}

/**
 * Runs `compactClosedDays` in the background of the embedded server: a pass every `intervalMs`
 * (the first one `intervalMs` after start), at most `daysPerPass` days each, so that a large
 * backlog is worked off in small steps instead of one long burst of CPU.
 */
export class BackgroundCompactor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly daysPerPass: number,
    private readonly queue: SerialQueue,
  ) {}

  static async start(
    instance: { connect(): Promise<DuckDBConnection> },
    options: {
      now: () => number;
      log: Logger;
      intervalMs: number;
      daysPerPass?: number;
      /** Shared with data retention (event-retention.ts) so the two never work on a day at once. */
      queue?: SerialQueue;
    },
  ): Promise<BackgroundCompactor> {
    const compactor = new BackgroundCompactor(
      await instance.connect(),
      options.now,
      options.log,
      options.daysPerPass ?? 2,
      options.queue ?? new SerialQueue(),
    );
    compactor.timer = setInterval(() => void compactor.pass(), options.intervalMs);
    compactor.timer.unref();
    return compactor;
  }

  /** One pass (skipped while the previous one still runs); never rejects. */
  pass(): Promise<void> {
    this.running ??= (async () => {
      try {
        const done = await this.queue.run(() =>
          compactClosedDays(this.connection, this.now(), this.daysPerPass),
        );
        if (done.days > 0) this.log.info('compacted closed days', { days: done.days, rows: done.rows });
      } catch (error) {
        this.log.warn('event compaction failed; retrying on the next pass', {
          error: error instanceof Error ? error.message : String(error),
        });
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    this.connection.closeSync();
  }
}
