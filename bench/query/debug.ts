import { DuckDBInstance } from '@duckdb/node-api';
import { compileStatsQuery } from '../../packages/server/src/stats/compile.ts';
import { duckDbDialect } from '../../packages/server/src/stats/duckdb-dialect.ts';
import { overviewQueries, resolveDateRange } from '../../packages/server/src/stats/index.ts';
import { compilePreparation } from '../../packages/server/src/stats/prepare.ts';

const inst = await DuckDBInstance.create('/tmp/zenovay-bench-query-10000000.duckdb');
const c = await inst.connect();
const tz = 'Europe/Berlin';
const range = resolveDateRange({ kind: 'preset', preset: '30d' }, tz, Date.parse('2026-03-10T12:00:00Z') - 1);
const qs = overviewQueries('site-0', { kind: 'preset', preset: '30d' });
const prep = compilePreparation(duckDbDialect, 'site-0', range, tz, Object.values(qs));
const time = async (label: string, sql: string, params: readonly (string | number)[]) => {
  const t = performance.now();
  await c.runAndReadAll(sql, [...params]);
  console.log(label.padEnd(24), (performance.now() - t).toFixed(1));
};
for (let round = 0; round < 2; round++) {
  for (const s of prep.create) await time('create', s.sql, s.params);
  for (const name of ['timeseries', 'pages', 'custom_events', 'top_stats'] as const) {
    const q = qs[name];
    const a = compileStatsQuery(q, duckDbDialect, { timezone: tz, range, limit: 10, offset: 0, prepared: prep.tables });
    await time(`${name} prepared`, a.sql, a.params);
    const b = compileStatsQuery(q, duckDbDialect, { timezone: tz, range, limit: 10, offset: 0 });
    await time(`${name} direct`, b.sql, b.params);
  }
}
