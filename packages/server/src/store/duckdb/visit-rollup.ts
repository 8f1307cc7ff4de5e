import {
  BIGINT,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBTimestampValue,
  TIMESTAMP,
  VARCHAR,
} from '@duckdb/node-api';
import type { EventRow } from '../../ingest/types.ts';
import type { Logger } from '../../log.ts';
import { visitEntryColumns } from '../visit-entry-columns.ts';
import { yieldToEventLoop } from './yield.ts';

/**
 * The visit rollup (issue 16): one row per visit (site, session id), maintained by the loader in
 * the same transaction as the events it summarises. A visit row is a pure function of its events —
 * start and end, the first event's source and device fields, the first and last pageview's path,
 * counts — so a batch is folded in by merging partial rows (min/max/sum, and "whichever is earlier"
 * for entry fields), whatever order events arrive in, late ones included. Ties on time keep the
 * row loaded first for entry fields and the row loaded last for the exit page.
 */

/** Fields taken from a visit's first event (the same list the stats compiler reads per visit). */
export const entryColumns = ['visitor_id', ...visitEntryColumns] as const;

const entryKeys: Record<(typeof entryColumns)[number], keyof EventRow> = {
  visitor_id: 'visitorId',
  referrer_host: 'referrerHost',
  hostname: 'hostname',
  query: 'query',
  utm_source: 'utmSource',
  utm_medium: 'utmMedium',
  utm_campaign: 'utmCampaign',
  utm_term: 'utmTerm',
  utm_content: 'utmContent',
  country: 'country',
  region: 'region',
  city: 'city',
  device_type: 'deviceType',
  browser: 'browser',
  os: 'os',
};

/** The columns migration 11 created `visits` and `visit_batch` with (never changed: it is applied). */
const firstColumns = [
  ['site_id', VARCHAR],
  ['session_id', VARCHAR],
  ['first_ts', TIMESTAMP],
  ['last_ts', TIMESTAMP],
  ...entryColumns.map((name) => [name, VARCHAR] as const),
  ['entry_pv_ts', TIMESTAMP],
  ['entry_page', VARCHAR],
  ['exit_pv_ts', TIMESTAMP],
  ['exit_page', VARCHAR],
  ['pageviews', BIGINT],
  ['customs', BIGINT],
] as const;

/**
 * Column order of `visits` and `visit_batch` (the appender writes by position): migration 11's,
 * then `quiet_customs` (migration 17), the visit's custom events sent with `interactive: false`,
 * which do not end a bounce (0 for every visit loaded before: all its events were interactive).
 */
const columns = [...firstColumns, ['quiet_customs', BIGINT]] as const;

const tableColumnsSql = firstColumns
  .map(([name, type]) => {
    const sqlType = type === VARCHAR ? 'VARCHAR' : type === BIGINT ? 'BIGINT' : 'TIMESTAMP';
    const nullable =
      name === 'entry_pv_ts' || name === 'exit_pv_ts' || name === 'entry_page' || name === 'exit_page';
    return `${name} ${sqlType}${nullable ? '' : ' NOT NULL'}`;
  })
  .join(',\n  ');

/** The migration: the rollup, its per-batch staging table, and whether it was built from old events. */
export const visitRollupMigrationSql = `
CREATE TABLE visits (
  ${tableColumnsSql},
  PRIMARY KEY (site_id, session_id)
);
CREATE TABLE visit_batch (
  ${tableColumnsSql}
);
CREATE TABLE rollup_state (name VARCHAR PRIMARY KEY, built BOOLEAN NOT NULL);
-- A new file (no events yet) is built from the start; an upgraded one on its next start.
INSERT INTO rollup_state SELECT 'visits', NOT EXISTS (SELECT 1 FROM events);
`;

/**
 * Migration 17: whether each event was sent as interactive (`false` only from `interactive:
 * false`), and the visits' count of non-interactive custom events. Added at the end (the appenders
 * write by position), with defaults that describe every row stored before.
 */
export const interactiveMigrationSql = `
ALTER TABLE events ADD COLUMN interactive BOOLEAN DEFAULT true;
ALTER TABLE visits ADD COLUMN quiet_customs BIGINT DEFAULT 0;
ALTER TABLE visit_batch ADD COLUMN quiet_customs BIGINT DEFAULT 0;
`;

interface Partial {
  siteId: string;
  sessionId: string;
  firstMs: number;
  lastMs: number;
  entry: EventRow;
  entryPv: { ms: number; page: string } | null;
  exitPv: { ms: number; page: string } | null;
  pageviews: number;
  customs: number;
  quietCustoms: number;
}

/** One partial visit row per (site, session) of a batch, in the batch's order. */
export function visitPartials(rows: readonly EventRow[]): Partial[] {
  const byVisit = new Map<string, Partial>();
  for (const row of rows) {
    const key = `${row.siteId}\u0000${row.sessionId}`;
    const pageview = row.eventType === 'pageview';
    const quiet = !pageview && row.interactive === false;
    const visit = byVisit.get(key);
    if (!visit) {
      byVisit.set(key, {
        siteId: row.siteId,
        sessionId: row.sessionId,
        firstMs: row.ts,
        lastMs: row.ts,
        entry: row,
        entryPv: pageview ? { ms: row.ts, page: row.pathname } : null,
        exitPv: pageview ? { ms: row.ts, page: row.pathname } : null,
        pageviews: pageview ? 1 : 0,
        customs: pageview ? 0 : 1,
        quietCustoms: quiet ? 1 : 0,
      });
      continue;
    }
    if (row.ts < visit.firstMs) {
      visit.firstMs = row.ts;
      visit.entry = row;
    }
    if (row.ts > visit.lastMs) visit.lastMs = row.ts;
    if (pageview) {
      visit.pageviews += 1;
      if (!visit.entryPv || row.ts < visit.entryPv.ms) visit.entryPv = { ms: row.ts, page: row.pathname };
      if (!visit.exitPv || row.ts >= visit.exitPv.ms) visit.exitPv = { ms: row.ts, page: row.pathname };
    } else visit.customs += 1;
    if (quiet) visit.quietCustoms += 1;
  }
  return [...byVisit.values()];
}

const timestamp = (ms: number) => new DuckDBTimestampValue(BigInt(Math.floor(ms)) * 1000n);

function toChunk(partials: readonly Partial[]): DuckDBDataChunk {
  const chunk = DuckDBDataChunk.create(
    columns.map(([, type]) => type),
    partials.length,
  );
  chunk.setRows(
    partials.map((visit) => [
      visit.siteId,
      visit.sessionId,
      timestamp(visit.firstMs),
      timestamp(visit.lastMs),
      ...entryColumns.map((name) => String(visit.entry[entryKeys[name]])),
      visit.entryPv ? timestamp(visit.entryPv.ms) : null,
      visit.entryPv?.page ?? null,
      visit.exitPv ? timestamp(visit.exitPv.ms) : null,
      visit.exitPv?.page ?? null,
      BigInt(visit.pageviews),
      BigInt(visit.customs),
      BigInt(visit.quietCustoms),
    ]),
  );
  return chunk;
}

/** `v` = the stored row, `excluded` = the batch's partial: the merged value of each column. */
const mergeSql = `INSERT INTO visits SELECT * FROM visit_batch
ON CONFLICT (site_id, session_id) DO UPDATE SET
  ${entryColumns.map((name) => `${name} = CASE WHEN excluded.first_ts < visits.first_ts THEN excluded.${name} ELSE visits.${name} END`).join(',\n  ')},
  first_ts = least(visits.first_ts, excluded.first_ts),
  last_ts = greatest(visits.last_ts, excluded.last_ts),
  entry_page = CASE WHEN visits.entry_pv_ts IS NULL OR excluded.entry_pv_ts < visits.entry_pv_ts THEN coalesce(excluded.entry_page, visits.entry_page) ELSE visits.entry_page END,
  entry_pv_ts = CASE WHEN visits.entry_pv_ts IS NULL OR excluded.entry_pv_ts < visits.entry_pv_ts THEN coalesce(excluded.entry_pv_ts, visits.entry_pv_ts) ELSE visits.entry_pv_ts END,
  exit_page = CASE WHEN visits.exit_pv_ts IS NULL OR excluded.exit_pv_ts >= visits.exit_pv_ts THEN coalesce(excluded.exit_page, visits.exit_page) ELSE visits.exit_page END,
  exit_pv_ts = CASE WHEN visits.exit_pv_ts IS NULL OR excluded.exit_pv_ts >= visits.exit_pv_ts THEN coalesce(excluded.exit_pv_ts, visits.exit_pv_ts) ELSE visits.exit_pv_ts END,
  pageviews = visits.pageviews + excluded.pageviews,
  customs = visits.customs + excluded.customs,
  quiet_customs = visits.quiet_customs + excluded.quiet_customs`;

/**
 * Folds a batch of events into the rollup. Runs inside the caller's transaction, on the connection
 * that appended the events, so the visits never disagree with the events they summarise.
 */
export async function mergeIntoVisits(
  connection: DuckDBConnection,
  rows: readonly EventRow[],
): Promise<void> {
  const partials = visitPartials(rows);
  if (partials.length === 0) return;
  await connection.run('DELETE FROM visit_batch');
  const appender = await connection.createAppender('visit_batch');
  try {
    // In slices with a yield between them, as the events are (event-store.ts): the appender's
    // calls hold the event loop.
    for (let start = 0; start < partials.length; start += 256) {
      appender.appendDataChunk(toChunk(partials.slice(start, start + 256)));
      appender.flushSync();
      await yieldToEventLoop();
    }
  } finally {
    appender.closeSync();
  }
  await connection.run(mergeSql);
}

/** The rollup's row for every visit, recomputed from `source` (a table or subquery of events). */
export function visitsFromEventsSql(source: string): string {
  const pv = "event_type = 'pageview'";
  const quiet = `NOT (${pv}) AND interactive = false`;
  return `SELECT site_id, session_id, min(ts), max(ts),
    ${entryColumns.map((name) => `arg_min(${name}, ts)`).join(', ')},
    min(ts) FILTER (WHERE ${pv}), arg_min(pathname, ts) FILTER (WHERE ${pv}),
    max(ts) FILTER (WHERE ${pv}), arg_max(pathname, ts) FILTER (WHERE ${pv}),
    count(*) FILTER (WHERE ${pv}), count(*) FILTER (WHERE NOT (${pv})), count(*) FILTER (WHERE ${quiet})
  FROM ${source} GROUP BY site_id, session_id`;
}

/**
 * An upgraded data directory has events but no rollup yet: builds it one site at a time (a visit
 * never spans sites), logging progress. The loader waits for it while ingest keeps acknowledging
 * into the log. Interrupted, it starts again on the next start (each site is rebuilt whole).
 */
export async function buildVisitRollup(connection: DuckDBConnection, log: Logger): Promise<void> {
  const state = await connection.runAndReadAll("SELECT built FROM rollup_state WHERE name = 'visits'");
  if (state.getRowObjectsJS()[0]?.built !== false) return;
  const sites = (await connection.runAndReadAll('SELECT site_id, count(*) AS n FROM events GROUP BY site_id'))
    .getRowObjectsJS()
    .map((row) => ({ siteId: String(row.site_id), events: Number(row.n) }));
  const total = sites.reduce((sum, site) => sum + site.events, 0);
  if (total > 0)
    log.info('building the visit rollup from existing events', { sites: sites.length, events: total });
  let done = 0;
  for (const site of sites) {
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run('DELETE FROM visits WHERE site_id = $1', [site.siteId]);
      await connection.run(
        `INSERT INTO visits ${visitsFromEventsSql('(SELECT * FROM events WHERE site_id = $1)')}`,
        [site.siteId],
      );
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    done += site.events;
    log.info('visit rollup progress', { events: done, of: total, percent: Math.round((done / total) * 100) });
  }
  await connection.run("UPDATE rollup_state SET built = true WHERE name = 'visits'");
}

/**
 * `ZENOVAY_VISIT_ROLLUP=off`: the loader stops maintaining the rollup, so it is dropped and marked
 * unbuilt — reads then rebuild visits from events, and a later start with the rollup on builds it
 * again from them (`buildVisitRollup`).
 */
export async function dropVisitRollup(connection: DuckDBConnection): Promise<void> {
  await connection.run('BEGIN TRANSACTION');
  try {
    await connection.run("UPDATE rollup_state SET built = false WHERE name = 'visits'");
    await connection.run('DELETE FROM visits');
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
