import type { DuckDBInstance } from '@duckdb/node-api';
import type { ClickHouseHttp } from '../../packages/server/src/store/clickhouse/http-client.ts';

/**
 * The same synthetic month of events in both engines, generated inside each engine (no transfer):
 * `n` events over 30 days for one site, ~n/8 visitors, 200 paths, 12 referrer hosts, 30 countries.
 */
export const benchSite = 'bench-site';
export const endMs = Date.parse('2026-03-31T00:00:00Z');
export const startMs = endMs - 30 * 86_400_000;

export async function fillDuckDb(duckdb: DuckDBInstance, n: number): Promise<void> {
  const connection = await duckdb.connect();
  try {
    await connection.run(`
      INSERT INTO events
      SELECT make_timestamp(${startMs}::BIGINT * 1000 + (i * 2591999999 // ${n}) * 1000) AS ts,
        '${benchSite}', 'pageview', 'pageview', 'bench.example', '/p/' || (i % 200), '', '', '', '', '', '',
        '', 'ref' || (i % 12) || '.example', 'vs' || (hash(i // 4) % ${Math.max(1, Math.floor(n / 4))}),
        'v' || (hash(i // 8) % ${Math.max(1, Math.floor(n / 8))}), 'desktop', 'Firefox', 'Linux',
        'C' || (i % 30), '', '', [], [], ''
      FROM range(${n}) t(i)`);
  } finally {
    connection.closeSync();
  }
}

export async function fillClickHouse(http: ClickHouseHttp, database: string, n: number): Promise<void> {
  await http.exec(
    `INSERT INTO ${database}.events
     SELECT toDateTime(intDiv(ts_ms, 1000)) AS ts, ts_ms, '${benchSite}', 'pageview', 'pageview', 'bench.example',
       concat('/p/', toString(number % 200)), '', '', '', '', '', '', '', concat('ref', toString(number % 12), '.example'),
       concat('vs', toString(cityHash64(intDiv(number, 4)) % ${Math.max(1, Math.floor(n / 4))})),
       concat('v', toString(cityHash64(intDiv(number, 8)) % ${Math.max(1, Math.floor(n / 8))})),
       'desktop', 'Firefox', 'Linux', concat('C', toString(number % 30)), '', '', emptyArrayString(), emptyArrayString(), '',
       concat('u:', toString(number)), toUInt64(10000000000000 - ts_ms)
     FROM (SELECT number, toUInt64(${startMs} + intDiv(number * 2591999999, ${n})) AS ts_ms FROM system.numbers LIMIT ${n})`,
  );
}

/** A dashboard's first view over 30 days: totals, daily series, top pages, top sources, countries. */
export function duckDbQueries(): string[] {
  const where = `site_id = '${benchSite}' AND ts >= make_timestamp(${startMs}::BIGINT * 1000) AND ts < make_timestamp(${endMs}::BIGINT * 1000)`;
  return [
    `SELECT count(DISTINCT visitor_id), count(DISTINCT session_id), count(*) FROM events WHERE ${where}`,
    `SELECT date_trunc('day', ts) d, count(DISTINCT visitor_id), count(*) FROM events WHERE ${where} GROUP BY d ORDER BY d`,
    `SELECT pathname, count(DISTINCT visitor_id) v, count(*) FROM events WHERE ${where} GROUP BY pathname ORDER BY v DESC LIMIT 10`,
    `SELECT referrer_host, count(DISTINCT visitor_id) v FROM events WHERE ${where} GROUP BY referrer_host ORDER BY v DESC LIMIT 10`,
    `SELECT country, count(DISTINCT visitor_id) v FROM events WHERE ${where} GROUP BY country ORDER BY v DESC LIMIT 10`,
  ];
}

export function clickHouseQueries(database: string): string[] {
  const table = `${database}.events FINAL`;
  const where = `site_id = '${benchSite}' AND ts >= toDateTime(${startMs / 1000}) AND ts < toDateTime(${endMs / 1000})`;
  return [
    `SELECT uniqExact(visitor_id), uniqExact(session_id), count() FROM ${table} WHERE ${where}`,
    `SELECT toDate(ts) d, uniqExact(visitor_id), count() FROM ${table} WHERE ${where} GROUP BY d ORDER BY d`,
    `SELECT pathname, uniqExact(visitor_id) v, count() FROM ${table} WHERE ${where} GROUP BY pathname ORDER BY v DESC LIMIT 10`,
    `SELECT referrer_host, uniqExact(visitor_id) v FROM ${table} WHERE ${where} GROUP BY referrer_host ORDER BY v DESC LIMIT 10`,
    `SELECT country, uniqExact(visitor_id) v FROM ${table} WHERE ${where} GROUP BY country ORDER BY v DESC LIMIT 10`,
  ];
}
