/**
 * The two dataset shapes of `npm run bench:query`, each in a DuckDB file of its own (kept in the
 * temp folder and reused with `--reuse`), in the state the embedded server would have them in:
 * closed days compacted (store/duckdb/event-compaction.ts) and the visit rollup built
 * (store/duckdb/visit-rollup.ts).
 * - typical: `events` events over `days` days of 200 sites with a long-tailed size (generate.ts;
 *   site-0 gets ~17%), generated in arrival order and compacted by the server's code.
 * - big: one site (site-0) with `bigEvents` events in its last 30 days, and `events` more over
 *   `days` days of 199 other sites (site-1 …), generated in the layout the compaction leaves
 *   (compacting 20M rows would take ~5 CPU-minutes; the result is the same rows in the same
 *   order).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createLogger } from '../../packages/server/src/log.ts';
import { closedAfterMs, compactClosedDays } from '../../packages/server/src/store/duckdb/event-compaction.ts';
import { migrate } from '../../packages/server/src/store/duckdb/migrations.ts';
import { buildVisitRollup } from '../../packages/server/src/store/duckdb/visit-rollup.ts';
import { type DatasetShape, generateCompacted, generateEvents, siteId } from './generate.ts';

export type ShapeName = 'typical' | 'big';

export interface ShapeOptions {
  readonly name: ShapeName;
  /** typical: all events; big: the events of the 199 other sites. */
  readonly events: number;
  /** big only: the big site's events in its last 30 days. */
  readonly bigEvents: number;
  readonly sites: number;
  readonly days: number;
  readonly endMs: number;
  /** The DuckDB file (default: one per shape and size in the temp folder). */
  readonly db?: string;
  readonly reuse: boolean;
  /** typical only: skip the compaction of closed days. */
  readonly arrivalOrder: boolean;
}

export interface Dataset {
  readonly name: ShapeName;
  readonly path: string;
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  readonly events: number;
  readonly sites: number;
  /** Events in the last 30 days per site, largest first. */
  readonly last30: ReadonlyArray<{ siteId: string; events: number }>;
  close(): void;
}

const dayMs = 86_400_000;

export function shapeFile(options: ShapeOptions): string {
  if (options.db !== undefined) return options.db;
  const name =
    options.name === 'typical'
      ? `zenovay-bench-query-${options.events}.duckdb`
      : `zenovay-bench-query-big-${options.bigEvents}-${options.events}.duckdb`;
  return path.join(os.tmpdir(), name);
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Generates (or reuses) the shape's file, compacts it and builds its visit rollup. */
export async function openDataset(options: ShapeOptions): Promise<Dataset> {
  const file = shapeFile(options);
  const expected = options.name === 'typical' ? options.events : options.events + options.bigEvents;
  const exists = fs.existsSync(file);
  if (exists && !options.reuse) {
    fs.rmSync(file);
    fs.rmSync(`${file}.wal`, { force: true });
  }
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  await migrate(connection);
  const value = async (sql: string) => Number((await connection.runAndReadAll(sql)).getRowObjectsJS()[0]?.n);
  const label = `${options.name}:`;
  if (!(exists && options.reuse) || (await value('SELECT count(*) AS n FROM events')) !== expected) {
    await connection.run('DELETE FROM events');
    await connection.run('DELETE FROM visits');
    await connection.run('DELETE FROM compacted_days');
    await connection.run("UPDATE rollup_state SET built = false WHERE name = 'visits'");
    const started = performance.now();
    if (options.name === 'typical') {
      await generateEvents(connection, {
        events: options.events,
        sites: options.sites,
        days: options.days,
        endMs: options.endMs,
      });
    } else {
      const big: DatasetShape = { events: options.bigEvents, sites: 1, days: 30, endMs: options.endMs };
      const others: DatasetShape = {
        events: options.events,
        sites: options.sites - 1,
        days: options.days,
        endMs: options.endMs,
        firstSite: 1,
      };
      const closedBeforeMs = Math.floor((options.endMs - closedAfterMs) / dayMs) * dayMs;
      await generateCompacted(connection, [big, others], closedBeforeMs);
      // What compactDay records for each day it rewrote.
      await connection.run(
        `INSERT OR REPLACE INTO compacted_days
         SELECT date_trunc('day', ts), count(*) FROM events
         WHERE ts < make_timestamp(${closedBeforeMs}::BIGINT * 1000) GROUP BY ALL`,
      );
    }
    await connection.run('CHECKPOINT');
    console.log(
      `${label} generated ${expected.toLocaleString('en')} events in ${seconds(started)} -> ${file}`,
    );
  }
  if (!options.arrivalOrder) {
    const started = performance.now();
    const compacted = await compactClosedDays(connection, options.endMs);
    if (compacted.days > 0) {
      await connection.run('CHECKPOINT');
      console.log(
        `${label} compacted ${compacted.days} closed days (${compacted.rows.toLocaleString('en')} rows) in ${seconds(started)}`,
      );
    }
  }
  const rollupStarted = performance.now();
  const wasBuilt = await value("SELECT count(*) AS n FROM rollup_state WHERE name = 'visits' AND built");
  await buildVisitRollup(connection, createLogger('warn'));
  if (!wasBuilt) {
    await connection.run('CHECKPOINT');
    console.log(`${label} visit rollup built in ${seconds(rollupStarted)}`);
  }
  const since = options.endMs - 30 * dayMs;
  const last30 = (
    await connection.runAndReadAll(
      `SELECT site_id, count(*) AS n FROM events WHERE ts >= make_timestamp(${since}::BIGINT * 1000)
       GROUP BY site_id ORDER BY n DESC, site_id`,
    )
  )
    .getRowObjectsJS()
    .map((row) => ({ siteId: String(row.site_id), events: Number(row.n) }));
  return {
    name: options.name,
    path: file,
    instance,
    connection,
    events: await value('SELECT count(*) AS n FROM events'),
    sites: await value('SELECT count(DISTINCT site_id) AS n FROM events'),
    last30,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** The largest site (by events in the last 30 days), unless one is named. */
export function largestSite(dataset: Dataset, named?: string): string {
  return named ?? dataset.last30[0]?.siteId ?? siteId(0);
}

/** The median-sized site of those with events in the last 30 days, the largest left out. */
export function typicalSite(dataset: Dataset): string {
  const rest = dataset.last30.slice(1);
  return rest[Math.floor(rest.length / 2)]?.siteId ?? siteId(0);
}

export function eventsOf(dataset: Dataset, site: string): number {
  return dataset.last30.find((row) => row.siteId === site)?.events ?? 0;
}
