import { DuckDBInstance } from '@duckdb/node-api';
import { compileStatsQuery } from '../../packages/server/src/stats/compile.ts';
import { duckDbDialect } from '../../packages/server/src/stats/duckdb-dialect.ts';
import { overviewQueries, resolveDateRange } from '../../packages/server/src/stats/index.ts';

const panel = process.argv[2] ?? 'channels';
const db = process.argv[3] ?? '/tmp/zenovay-bench-query-1000000.duckdb';
const inst = await DuckDBInstance.create(db);
const c = await inst.connect();
const q = (overviewQueries('site-0', { kind: 'preset', preset: '30d' }) as Record<string, never>)[panel];
const range = resolveDateRange(
  { kind: 'preset', preset: '30d' },
  'Europe/Berlin',
  Date.parse('2026-03-10T12:00:00Z') - 1,
);
const comp = compileStatsQuery(q, duckDbDialect, { timezone: 'Europe/Berlin', range, limit: 10, offset: 0 });
if (process.env.SHOW) console.log(comp.sql, comp.params);
await c.run("PRAGMA enable_profiling='query_tree'");
const r = await c.runAndReadAll('EXPLAIN ANALYZE ' + comp.sql, [...comp.params]);
for (const row of r.getRows()) console.log(String(row[1]));
