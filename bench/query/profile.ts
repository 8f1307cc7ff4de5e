/**
 * `node --import tsx bench/query/profile.ts [--site site-0] [--range 30d|12mo|...] [--sql out.sql] [--explain]`
 * Prints how the 30-day page's one batch statement spends its time on the dataset
 * `npm run bench:query` generated (run that first): DuckDB's settings, the statement (with
 * `--sql`), and with `--explain` its EXPLAIN ANALYZE profile (operators by time).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckDbDialect } from '../../packages/server/src/stats/duckdb-dialect.ts';
import { SqlStatsEngine } from '../../packages/server/src/stats/engine.ts';
import { overviewQueries } from '../../packages/server/src/stats/overview.ts';
import type { SqlRow } from '../../packages/server/src/stats/results.ts';
import type { SqlParam } from '../../packages/server/src/stats/sql-params.ts';
import type { DatePreset } from '../../packages/server/src/stats/types.ts';
import type { Site } from '../../packages/server/src/store/types.ts';

const { values } = parseArgs({
  options: {
    site: { type: 'string', default: 'site-0' },
    db: { type: 'string', default: path.join(os.tmpdir(), 'zenovay-bench-query-10000000.duckdb') },
    sql: { type: 'string' },
    explain: { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
    /** The page's date range preset (30d, 12mo, ...). */
    range: { type: 'string', default: '30d' },
    /** Rebuild the visits from the events instead of reading the rollup (for an A/B). */
    'no-rollup': { type: 'boolean', default: false },
  },
});
const endMs = Date.parse('2026-03-10T12:00:00Z');

const instance = await DuckDBInstance.create(values.db, { access_mode: 'READ_ONLY' });
const connection = await instance.connect();
const settings = await connection.runAndReadAll(
  "SELECT name, value FROM duckdb_settings() WHERE name IN ('threads', 'memory_limit', 'preserve_insertion_order', 'temp_directory')",
);
console.log(settings.getRowObjectsJS());

let captured: { sql: string; params: readonly SqlParam[] } | null = null;
const run = async (sql: string, params: readonly SqlParam[]): Promise<SqlRow[]> => {
  captured = { sql, params };
  return (await connection.runAndReadAll(sql, [...params])).getRowObjectsJS() as SqlRow[];
};
// A read-only file never changes under the statements: one snapshot is any sequence of them.
const engine = new SqlStatsEngine(
  duckDbDialect,
  values['no-rollup'] ? { all: run } : { all: run, snapshot: (work) => work(run) },
);
const site: Site = {
  id: values.site,
  domain: `${values.site}.example`,
  name: values.site,
  trackingCode: values.site,
  timezone: 'Europe/Berlin',
  createdAt: new Date(0).toISOString(),
};
const queries = Object.values(
  overviewQueries(site.id, { kind: 'preset', preset: values.range as DatePreset }),
);
await engine.queryMany(queries, site, endMs - 1);
const statement = captured as unknown as { sql: string; params: readonly SqlParam[] };
if (values.sql)
  fs.writeFileSync(values.sql, `${statement.sql}\n-- params: ${JSON.stringify(statement.params)}\n`);

const cpuTimes: number[] = [];
const wallTimes: number[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await connection.runAndReadAll(statement.sql, [...statement.params]);
  wallTimes.push(performance.now() - started);
  const used = process.cpuUsage(cpu);
  cpuTimes.push((used.user + used.system) / 1000);
}
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' ');
console.log(`page statement: wall ${fmt(wallTimes)} ms; cpu ${fmt(cpuTimes)} ms`);

if (values.explain) {
  // The JSON profile, flattened: every operator with its own time, the costliest first.
  const file = path.join(os.tmpdir(), `zenovay-profile-${process.pid}.json`);
  await connection.run(`PRAGMA enable_profiling = 'json'`);
  await connection.run(`PRAGMA profiling_output = '${file}'`);
  await connection.runAndReadAll(statement.sql, [...statement.params]);
  await connection.run('PRAGMA disable_profiling');
  interface Node {
    operator_name?: string;
    operator_type?: string;
    operator_timing?: number;
    operator_cardinality?: number;
    extra_info?: Record<string, unknown>;
    children?: Node[];
  }
  const root = JSON.parse(fs.readFileSync(file, 'utf8')) as Node & { latency?: number; cpu_time?: number };
  fs.rmSync(file);
  const rows: Array<[number, string]> = [];
  const walk = (node: Node, depth: number) => {
    const info = JSON.stringify(node.extra_info ?? {}).slice(0, 160);
    rows.push([
      node.operator_timing ?? 0,
      `${'  '.repeat(depth)}${node.operator_name ?? node.operator_type ?? '?'} rows=${node.operator_cardinality ?? ''} ${info}`,
    ]);
    for (const child of node.children ?? []) walk(child, depth + 1);
  };
  walk(root, 0);
  console.log(`latency ${root.latency}s, cpu_time ${root.cpu_time}s`);
  for (const [t, line] of rows.filter(([t]) => t >= 0.005).sort((a, b) => b[0] - a[0]))
    console.log(`${t.toFixed(3).padStart(7)}s ${line.trim()}`);
}
connection.closeSync();
