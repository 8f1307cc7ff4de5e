/**
 * Synthetic events generated inside DuckDB (range() + hash-based pseudo-randomness, no row-by-row
 * JS): many sites with a long-tailed size distribution, long-tailed pages and referrers, sessions
 * of several events, custom events with properties. Rows are inserted in time order, as ingest
 * appends them. Deterministic: the same size gives the same data.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export interface DatasetShape {
  readonly events: number;
  readonly sites: number;
  readonly days: number;
  /** The dataset ends here (exclusive); queries run "now" = this instant. */
  readonly endMs: number;
  /** The sites are `site-<firstSite>` … `site-<firstSite + sites - 1>` (default 0). */
  readonly firstSite?: number;
}

/** Mean events per session of the generator (1 + a geometric tail), used to size the session count. */
const meanEventsPerSession = 2.9;

/** A uniform number in [0, 1) from a hash of the arguments: the generator's only randomness. */
const u = (...parts: Array<string | number>) => `((hash(${parts.join(', ')}) % 1000003) / 1000003.0)`;

function pick(list: readonly string[], uniform: string): string {
  const items = list.map((v) => `'${v}'`).join(', ');
  return `([${items}])[1 + CAST(floor(${uniform} * ${list.length}) AS INTEGER)]`;
}

const knownReferrers = [
  'google.com',
  'google.com',
  'google.com',
  'google.de',
  'bing.com',
  'duckduckgo.com',
  't.co',
  'facebook.com',
  'm.facebook.com',
  'reddit.com',
  'linkedin.com',
  'news.ycombinator.com',
  'youtube.com',
  'github.com',
];
const countries = [
  'US',
  'US',
  'US',
  'DE',
  'DE',
  'GB',
  'FR',
  'IN',
  'BR',
  'CA',
  'NL',
  'JP',
  'ES',
  'IT',
  'PL',
  'SE',
];
const browsers = [
  'Chrome',
  'Chrome',
  'Chrome',
  'Safari',
  'Safari',
  'Firefox',
  'Edge',
  'Samsung Internet',
  'Opera',
];
const oses = ['Windows', 'Windows', 'macOS', 'iOS', 'iOS', 'Android', 'Android', 'Linux'];
const devices = ['desktop', 'desktop', 'mobile', 'mobile', 'tablet'];
const goals = ['Signup', 'Purchase', 'Download', 'Outbound Link: Click', 'Newsletter'];

export function siteId(index: number): string {
  return `site-${index}`;
}

/** Appends the events of `shape`, in time order (arrival order, as ingest writes them). */
export async function generateEvents(connection: DuckDBConnection, shape: DatasetShape): Promise<void> {
  await connection.run(`INSERT INTO events BY NAME SELECT * FROM (${eventsSql(shape)}) ORDER BY ts`);
}

/**
 * Appends the events of several shapes (e.g. one big site and many small ones) in one insert, in
 * the layout the server's compaction leaves (store/duckdb/event-compaction.ts): rows of each UTC
 * day before `closedBeforeMs` ordered by (site_id, ts), later rows in time order. The caller
 * records those days as compacted (`recordCompactedDays`), so the compaction finds nothing to redo.
 */
export async function generateCompacted(
  connection: DuckDBConnection,
  shapes: readonly DatasetShape[],
  closedBeforeMs: number,
): Promise<void> {
  const closed = `ts < make_timestamp(${closedBeforeMs}::BIGINT * 1000)`;
  await connection.run(
    `INSERT INTO events BY NAME SELECT * FROM (${shapes.map((shape) => `(${eventsSql(shape)})`).join(' UNION ALL ')})
     ORDER BY CASE WHEN ${closed} THEN date_trunc('day', ts) END NULLS LAST,
       CASE WHEN ${closed} THEN site_id END NULLS LAST, ts`,
  );
}

/** The SELECT of one shape's events, named as the events table's columns, in no particular order. */
function eventsSql(shape: DatasetShape): string {
  const firstSite = shape.firstSite ?? 0;
  const sessions = Math.ceil((shape.events / meanEventsPerSession) * 1.05);
  const spanMs = shape.days * 86_400_000;
  const startMs = shape.endMs - spanMs;
  const visitors = Math.max(1, Math.floor(sessions * 0.6));
  // site index = floor(S * u^3): site-0 gets about (1/S)^(1/3) of all sessions (17% for 200 sites).
  // A few percent more visits than needed; whole visits are then kept in id order (ids are
  // independent of time, so the cut is unbiased) until the count is reached.
  return `
    WITH s AS (
      SELECT i AS sid,
        ${firstSite} + CAST(floor(${shape.sites} * pow(${u('i', 1)}, 3)) AS INTEGER) AS site_idx,
        ${startMs} + CAST(${u('i', 2)} * ${spanMs - 3_600_000} AS BIGINT) AS start_ms,
        1 + CAST(least(15, floor(-ln(greatest(${u('i', 3)}, 1e-9)) * 2.4)) AS INTEGER) AS n,
        15000 + CAST(hash(i, 15) % 240000 AS BIGINT) AS step_ms,
        ${u('i', 7)} AS u_ref, ${u('i', 8)} AS u_utm,
        'v' || CAST(hash(i, 6) % ${visitors} AS VARCHAR) AS visitor_id,
        ${pick(countries, u('i', 9))} AS country,
        ${pick(browsers, u('i', 10))} AS browser,
        ${pick(oses, u('i', 11))} AS os,
        ${pick(devices, u('i', 12))} AS device
      FROM range(${sessions}) t(i)
    ),
    e AS (
      SELECT s.*, k,
        -- strictly increasing inside a visit: a per-visit step plus a jitter smaller than the step
        start_ms + k * step_ms + CAST(hash(sid, k, 4) % (step_ms // 2) AS BIGINT) AS ts_ms,
        k > 0 AND ${u('sid', 'k', 5)} < 0.18 AS is_custom,
        ${u('sid', 'k', 13)} AS u_page, ${u('sid', 'k', 14)} AS u_goal
      FROM s, unnest(range(n)) AS g(k)
    )
    SELECT
      make_timestamp(ts_ms * 1000) AS ts,
      'site-' || site_idx AS site_id,
      CASE WHEN is_custom THEN 'custom' ELSE 'pageview' END AS event_type,
      CASE WHEN is_custom THEN ${pick(goals, 'u_goal')} ELSE 'pageview' END AS event_name,
      'site-' || site_idx || '.example' AS hostname,
      CASE WHEN k = 0 AND u_page < 0.35 THEN '/' ELSE '/p/' || CAST(floor(3000 * pow(u_page, 4)) AS INTEGER) END AS pathname,
      CASE WHEN k = 0 AND u_utm > 0.97 THEN 'gclid=' || sid ELSE '' END AS query,
      CASE WHEN k > 0 THEN '' WHEN u_utm < 0.08 THEN 'newsletter' WHEN u_utm > 0.97 THEN 'google' ELSE '' END AS utm_source,
      CASE WHEN k > 0 THEN '' WHEN u_utm < 0.08 THEN 'email' WHEN u_utm > 0.97 THEN 'cpc' ELSE '' END AS utm_medium,
      CASE WHEN k = 0 AND (u_utm < 0.08 OR u_utm > 0.97) THEN 'spring-' || CAST(floor(u_utm * 1000) % 7 AS INTEGER) ELSE '' END AS utm_campaign,
      '' AS utm_term, '' AS utm_content,
      '' AS referrer,
      CASE
        WHEN k > 0 THEN 'site-' || site_idx || '.example'
        WHEN u_ref < 0.42 THEN ''
        WHEN u_ref < 0.80 THEN ${pick(knownReferrers, '((u_ref - 0.42) / 0.38)')}
        ELSE 'blog' || CAST(floor(20000 * pow((u_ref - 0.80) / 0.20, 3)) AS INTEGER) || '.example'
      END AS referrer_host,
      's' || sid AS session_id,
      visitor_id,
      device AS device_type, browser, os, country,
      '' AS region, '' AS city,
      CASE WHEN is_custom AND u_goal BETWEEN 0.2 AND 0.4 THEN ['value', 'currency']
           WHEN is_custom AND u_goal BETWEEN 0.4 AND 0.6 THEN ['file'] ELSE []::VARCHAR[] END AS prop_keys,
      CASE WHEN is_custom AND u_goal BETWEEN 0.2 AND 0.4 THEN [CAST(10 + sid % 90 AS VARCHAR), CASE WHEN sid % 4 = 0 THEN 'USD' ELSE 'EUR' END]
           WHEN is_custom AND u_goal BETWEEN 0.4 AND 0.6 THEN ['report-' || CAST(sid % 20 AS VARCHAR) || '.pdf'] ELSE []::VARCHAR[] END AS prop_values,
      '' AS event_id,
      -- Purchases carry revenue as ingest stores it (ten-thousandths, currency code).
      CASE WHEN is_custom AND u_goal BETWEEN 0.2 AND 0.4 THEN CAST(10 + sid % 90 AS BIGINT) * 10000 ELSE 0 END AS revenue_e4,
      CASE WHEN is_custom AND u_goal BETWEEN 0.2 AND 0.4 THEN (CASE WHEN sid % 4 = 0 THEN 'USD' ELSE 'EUR' END) ELSE '' END AS revenue_currency
    FROM (SELECT * FROM e WHERE ts_ms < ${shape.endMs} ORDER BY sid, k LIMIT ${shape.events})`;
}
