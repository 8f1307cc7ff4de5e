import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create('/tmp/zenovay-bench-query-10000000.duckdb');
const c = await inst.connect();
const w = "site_id='site-0' AND ts >= TIMESTAMP '2026-02-08 23:00:00' AND ts < TIMESTAMP '2026-03-10 23:00:00'";
const cols = ['referrer_host', 'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'hostname', 'query', 'country', 'region', 'city', 'device_type', 'browser', 'os'];
const qs: Record<string, string> = {
  many: `CREATE OR REPLACE TEMP TABLE t1 AS SELECT hash(session_id) s, ${cols.map((c) => `arg_min(${c}, ts) AS ${c}`).join(', ')}, min(ts), max(ts), count(*) FROM events WHERE ${w} GROUP BY 1`,
  struct: `CREATE OR REPLACE TEMP TABLE t2 AS SELECT hash(session_id) s, arg_min({${cols.map((c) => `${c}: ${c}`).join(', ')}}, ts) AS e, min(ts), max(ts), count(*) FROM events WHERE ${w} GROUP BY 1`,
  structStr: `CREATE OR REPLACE TEMP TABLE t2 AS SELECT session_id s, arg_min({${cols.map((c) => `${c}: ${c}`).join(', ')}}, ts) AS e, min(ts), max(ts), count(*) FROM events WHERE ${w} GROUP BY 1`,
  plain: `CREATE OR REPLACE TEMP TABLE t3 AS SELECT hash(session_id) s, min(ts), max(ts), count(*) FROM events WHERE ${w} GROUP BY 1`,
  evtmp: `CREATE OR REPLACE TEMP TABLE t4 AS SELECT ts, hash(session_id) s, hash(visitor_id) v, event_type, event_name, pathname, hostname FROM events WHERE ${w}`,
};
for (let r = 0; r < 2; r++) for (const [k, q] of Object.entries(qs)) { const t = performance.now(); await c.run(q); console.log(k.padEnd(10), (performance.now() - t).toFixed(1)); }
