import { DuckDBInstance } from '@duckdb/node-api';
import { overviewQueries } from '/work/main/packages/server/src/stats/index.ts';
import { compilePreparation } from '/work/main/packages/server/src/stats/prepare.ts';
import { compileStatsQuery } from '/work/main/packages/server/src/stats/compile.ts';
import { duckDbDialect } from '/work/main/packages/server/src/stats/duckdb-dialect.ts';
import { resolveDateRange, previousPeriod } from '/work/main/packages/server/src/stats/date-range.ts';
const site = process.argv[2] ?? 'site-10';
const inst = await DuckDBInstance.create('/tmp/zenovay-bench-query-10000000.duckdb');
const c = await inst.connect();
const endMs = Date.parse('2026-03-10T12:00:00Z') - 1;
const tz = 'Europe/Berlin';
const qs = Object.entries(overviewQueries(site, { kind: 'preset', preset: '30d' }));
const range = resolveDateRange({ kind: 'preset', preset: '30d' }, tz, endMs);
const prep = compilePreparation(duckDbDialect, site, range, tz, qs.map((q) => q[1]));
const t = async (label: string, sql: string, params: any[]) => {
  const s = performance.now(); const cpu = process.cpuUsage();
  await c.runAndReadAll(sql, params);
  const u = process.cpuUsage(cpu);
  console.log(label.padEnd(24), (performance.now() - s).toFixed(1).padStart(7), 'ms wall', ((u.user + u.system) / 1000).toFixed(1).padStart(7), 'ms cpu');
};
for (let r = 0; r < 3; r++) {
  console.log('--- run', r);
  for (const [i, st] of prep.create.entries()) await t(`create ${i}`, st.sql, [...st.params]);
  for (const [name, q] of qs) {
    const st = compileStatsQuery(q, duckDbDialect, { timezone: tz, range, limit: q.limit, offset: 0, prepared: prep.tables });
    await t(name, st.sql, [...st.params]);
  }
  const top = qs[0]![1];
  const prev = compileStatsQuery(top, duckDbDialect, { timezone: tz, range: previousPeriod(range, tz), limit: 10000, offset: 0 });
  await t('previous top_stats', prev.sql, [...prev.params]);
  for (const sql of prep.drop) await c.run(sql);
}
if (process.env.SHOW) { for (const st of prep.create) console.log(st.sql, '\n'); }
