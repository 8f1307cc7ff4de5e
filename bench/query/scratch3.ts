import { DuckDBInstance } from '@duckdb/node-api';

const inst = await DuckDBInstance.create(process.argv[2] ?? '/tmp/zenovay-bench-query-10000000.duckdb');
const c = await inst.connect();
const w =
  "site_id='site-0' AND ts >= TIMESTAMP '2026-02-08 23:00:00' AND ts < TIMESTAMP '2026-03-10 23:00:00'";
const qs = [
  `SELECT count(*) FROM events WHERE ${w}`,
  `SELECT count(*) FROM events WHERE ${w}`,
  `SELECT count(DISTINCT session_id) FROM events WHERE ${w}`,
  `SELECT count(DISTINCT visitor_id) FROM events WHERE ${w}`,
  `SELECT count(*) FROM (SELECT session_id, arg_min(referrer_host, ts), min(ts), max(ts), count(*) FROM events WHERE ${w} GROUP BY session_id)`,
  `SELECT strftime(date_trunc('day', timezone('Europe/Berlin', timezone('UTC', ts))), '%Y-%m-%d') d, count(*) FROM events WHERE ${w} GROUP BY d`,
  `SELECT date_trunc('day', ts) d, count(*) FROM events WHERE ${w} GROUP BY d`,
  `SELECT count(*) FROM events WHERE ts >= TIMESTAMP '2026-02-08 23:00:00'`,
];
for (const q of qs) {
  const t = performance.now();
  const r = await c.runAndReadAll(q);
  console.log((performance.now() - t).toFixed(1), 'ms', q.slice(0, 90), r.getRows()[0]);
}
