import { DuckDBInstance } from '@duckdb/node-api';

const inst = await DuckDBInstance.create('/tmp/zenovay-bench-query-10000000.duckdb');
const c = await inst.connect();
const t0 = performance.now();
await c.run(`CREATE OR REPLACE TABLE v AS SELECT site_id, session_id, hash(visitor_id) AS vk, min(ts) first_ts, max(ts) last_ts,
  count(*) FILTER (WHERE event_type='pageview') pv, count(*) FILTER (WHERE event_type<>'pageview') cu,
  arg_min(pathname, ts) FILTER (WHERE event_type='pageview') entry_page, arg_max(pathname, ts) FILTER (WHERE event_type='pageview') exit_page,
  arg_min(referrer_host, ts) AS rh, arg_min(country, ts) country, arg_min(browser, ts) browser, arg_min(os, ts) os, arg_min(device_type, ts) device
  FROM events GROUP BY ALL ORDER BY site_id, first_ts`);
console.log('build', performance.now() - t0);
const w =
  "site_id='site-0' AND first_ts >= TIMESTAMP '2026-02-08 23:00:00' AND first_ts < TIMESTAMP '2026-03-10 23:00:00'";
const qs = [
  `SELECT count(*) FROM v WHERE ${w}`,
  `SELECT count(DISTINCT vk), count(*), sum(pv), avg((pv=1 AND cu=0)::INT), avg(epoch(last_ts)-epoch(first_ts)) FROM v WHERE ${w}`,
  `SELECT rh, count(DISTINCT vk) n FROM v WHERE ${w} GROUP BY rh ORDER BY n DESC LIMIT 10`,
  `SELECT country, count(DISTINCT vk) n FROM v WHERE ${w} GROUP BY country ORDER BY n DESC LIMIT 10`,
  `SELECT entry_page, count(DISTINCT vk) n, count(*) FROM v WHERE ${w} GROUP BY entry_page ORDER BY n DESC LIMIT 10`,
  `SELECT country, count(DISTINCT vk) n FROM v WHERE ${w} GROUP BY country ORDER BY n DESC LIMIT 10`,
  `SELECT pathname, count(DISTINCT hash(visitor_id)) n, count(*) FROM events WHERE site_id='site-0' AND ts >= TIMESTAMP '2026-02-08 23:00:00' AND ts < TIMESTAMP '2026-03-10 23:00:00' GROUP BY pathname ORDER BY n DESC LIMIT 10`,
  `SELECT pathname, count(DISTINCT visitor_id) n, count(*) FROM events WHERE site_id='site-0' AND ts >= TIMESTAMP '2026-02-08 23:00:00' AND ts < TIMESTAMP '2026-03-10 23:00:00' GROUP BY pathname ORDER BY n DESC LIMIT 10`,
];
for (const q of qs) {
  const t = performance.now();
  const r = await c.runAndReadAll(q);
  console.log((performance.now() - t).toFixed(1), 'ms', q.slice(0, 70), r.getRows()[0]);
}
