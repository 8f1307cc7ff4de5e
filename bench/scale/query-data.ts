import type { DuckDBInstance } from '@duckdb/node-api';
import { createLogger } from '../../packages/server/src/log.ts';
import { type DatePreset, overviewQueries, type StatsEngine } from '../../packages/server/src/stats/index.ts';
import type { ClickHouseHttp } from '../../packages/server/src/store/clickhouse/http-client.ts';
import { eventColumns } from '../../packages/server/src/store/clickhouse/schema.ts';
import { buildVisitRollup } from '../../packages/server/src/store/duckdb/visit-rollup.ts';
import type { Site } from '../../packages/server/src/store/types.ts';

/**
 * The same synthetic month of events in both engines, generated inside each engine (no transfer;
 * plain arithmetic, no engine-specific hash, so both hold identical rows):
 * `n` events over 30 days for one site, ~n/8 visitors, 200 paths, 12 referrer hosts, 30 countries.
 */
export const benchSite = 'bench-site';
export const endMs = Date.parse('2026-03-31T00:00:00Z');
export const startMs = endMs - 30 * 86_400_000;

/**
 * The events columns the fills write, in ClickHouse's order (ts, ts_ms, …, precedence); DuckDB has
 * no ts_ms, row_key or precedence. Named, so that columns added later keep their defaults.
 */
const baseColumns = eventColumns.map(([name]) => name).slice(0, 28);

export async function fillDuckDb(duckdb: DuckDBInstance, n: number): Promise<void> {
  const connection = await duckdb.connect();
  try {
    await connection.run(`
      INSERT INTO events (${baseColumns.slice(0, 1).join(', ')}, ${baseColumns.slice(2, 25).join(', ')}, event_id)
      SELECT make_timestamp(${startMs}::BIGINT * 1000 + (i * 2591999999 // ${n}) * 1000) AS ts,
        '${benchSite}', 'pageview', 'pageview', 'bench.example', '/p/' || (i % 200), '', '', '', '', '', '',
        '', 'ref' || (i % 12) || '.example', 'vs' || ((i // 4) * 7919 % ${Math.max(1, Math.floor(n / 4))}),
        'v' || ((i // 8) * 7919 % ${Math.max(1, Math.floor(n / 8))}), 'desktop', 'Firefox', 'Linux',
        'C' || (i % 30), '', '', [], [], ''
      FROM range(${n}) t(i)`);
    // Inserted behind the loader's back: the visit rollup is built from them, as on an upgrade.
    await connection.run("UPDATE rollup_state SET built = false WHERE name = 'visits'");
    await buildVisitRollup(connection, createLogger('warn'));
  } finally {
    connection.closeSync();
  }
}

/** Fills the events table; its materialized view fills the visit rollup in the same insert. */
export async function fillClickHouse(http: ClickHouseHttp, database: string, n: number): Promise<void> {
  await http.exec(
    `INSERT INTO ${database}.events (${baseColumns.join(', ')})
     SELECT toDateTime(intDiv(ts_ms, 1000)) AS ts, ts_ms, '${benchSite}', 'pageview', 'pageview', 'bench.example',
       concat('/p/', toString(number % 200)), '', '', '', '', '', '', '', concat('ref', toString(number % 12), '.example'),
       concat('vs', toString(intDiv(number, 4) * 7919 % ${Math.max(1, Math.floor(n / 4))})),
       concat('v', toString(intDiv(number, 8) * 7919 % ${Math.max(1, Math.floor(n / 8))})),
       'desktop', 'Firefox', 'Linux', concat('C', toString(number % 30)), '', '', emptyArrayString(), emptyArrayString(), '',
       concat('u:', toString(number)), toUInt64(10000000000000 - ts_ms)
     FROM (SELECT number, toUInt64(${startMs} + intDiv(number * 2591999999, ${n})) AS ts_ms FROM system.numbers LIMIT ${n})`,
  );
}

/** The bench site as the stats engine sees it (UTC, so days match the generated ones). */
export const benchSiteRecord: Site = {
  id: benchSite,
  domain: 'bench.example',
  name: 'bench',
  trackingCode: 'ZV_bench',
  timezone: 'UTC',
  createdAt: new Date(0).toISOString(),
};

/**
 * The dashboard's first view over the last 30 days (or another preset): every panel of
 * `overviewQueries` (with the previous-period comparison), as one `queryMany` page, exactly what
 * the dashboard asks. Of the bench site unless another site and "now" are given.
 */
export function dashboardPage(
  engine: StatsEngine,
  options: { site?: Site; nowMs?: number; preset?: DatePreset } = {},
): () => Promise<unknown> {
  const site = options.site ?? benchSiteRecord;
  const nowMs = options.nowMs ?? endMs - 1;
  const dateRange = { kind: 'preset', preset: options.preset ?? '30d' } as const;
  const queries = Object.values(overviewQueries(site.id, dateRange));
  return () => engine.queryMany(queries, site, nowMs);
}
