import { DuckDBInstance } from '@duckdb/node-api';
import { overviewQueries } from '../../../packages/server/src/stats/index.ts';
import { compilePreparation } from '../../../packages/server/src/stats/prepare.ts';
import { compileStatsQuery } from '../../../packages/server/src/stats/compile.ts';
import { duckDbDialect } from '../../../packages/server/src/stats/duckdb-dialect.ts';
import { resolveDateRange } from '../../../packages/server/src/stats/date-range.ts';
const site = process.argv[2] ?? 'site-10';
const inst = await DuckDBInstance.create('/tmp/zenovay-bench-query-10000000.duckdb');
const c = await inst.connect();
const endMs = Date.parse('2026-03-10T12:00:00Z') - 1;
const tz = 'Europe/Berlin';
const qs = Object.entries(overviewQueries(site, { kind: 'preset', preset: '30d' }));
const range = resolveDateRange({ kind: 'preset', preset: '30d' }, tz, endMs);
const prep = compilePreparation(duckDbDialect, site, range, tz, qs.map((q) => q[1]));
const params: any[] = [];
const renum = (sql: string, ps: readonly any[]) => { const off = params.length; params.push(...ps); return sql.replace(/\$(\d+)::/g, (_m, n) => `$${Number(n) + off}::`); };
const body = (s: string) => s.replace(/^CREATE OR REPLACE TEMP TABLE \w+ AS /, '');
const ctes = [`zv_batch_events AS MATERIALIZED (${renum(body(prep.create[0]!.sql), prep.create[0]!.params)})`, `zv_batch_visits AS MATERIALIZED (${renum(body(prep.create[1]!.sql), prep.create[1]!.params)})`];
const parts = qs.map(([name, q], i) => {
  const st = compileStatsQuery(q, duckDbDialect, { timezone: tz, range, limit: q.limit, offset: 0, prepared: prep.tables });
  return `SELECT ${i} AS i, (SELECT to_json(list(p)) FROM (${renum(st.sql, st.params)}) p) AS rows`;
});
const sql = `WITH ${ctes.join(', ')} ${parts.join(' UNION ALL ')}`;
for (let r = 0; r < 5; r++) {
  const s = performance.now(); const cpu = process.cpuUsage();
  const rd = await c.runAndReadAll(sql, params);
  const u = process.cpuUsage(cpu);
  console.log('one statement', (performance.now() - s).toFixed(1), 'wall', ((u.user + u.system) / 1000).toFixed(1), 'cpu', rd.getRowObjectsJS().length, r === 0 ? String(rd.getRowObjectsJS()[4]?.rows).slice(0, 200) : '');
}
