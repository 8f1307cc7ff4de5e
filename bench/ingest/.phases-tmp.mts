import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBDataChunk, DuckDBTimestampValue, LIST, listValue, TIMESTAMP, VARCHAR } from '@duckdb/node-api';
import { openDuckDb } from '/work/main/packages/server/src/store/duckdb/open.ts';
const batch = Number(process.argv[2] ?? 32); const commits = Number(process.argv[3] ?? 500);
const mode = process.argv[4] ?? 'chunk';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-'));
const inst = await openDuckDb(dir);
const c = await inst.connect();
for (const s of process.argv.slice(5)) await c.run(s);
const types = [TIMESTAMP, ...Array.from({ length: 21 }, () => VARCHAR), LIST(VARCHAR), LIST(VARCHAR), VARCHAR];
const app = await c.createAppender('events');
const prep = await c.prepare(`INSERT INTO events SELECT ${types.map((_, j) => `unnest($${j + 1})`).join(', ')}`);
const t: Record<string, number> = { begin: 0, build: 0, append: 0, flush: 0, commit: 0 };
let n = 0;
const mk = () => { const r: unknown[] = [new DuckDBTimestampValue(BigInt(Date.now()) * 1000n), 'site', 'pageview', 'pageview', 'bench.example', `/p/${n++ % 500}`, 'utm_source=x', 'bench', 'load', '', '', '', 'https://google.com/', 'google.com', `sess${n}`, `vis${n}abcdefabcdef`, 'server', 'server', 'Linux', '', '', '', listValue([]), listValue([]), '']; return r; };
const cpu0 = process.cpuUsage();
for (let i = 0; i < commits + 50; i++) {
  if (i === 50) { for (const k in t) t[k] = 0; Object.assign(cpu0, process.cpuUsage()); }
  let a = performance.now();
  if (mode !== 'unnest2') await c.run('BEGIN TRANSACTION'); let b = performance.now(); t.begin += b - a; a = b;
  const rows = Array.from({ length: batch }, mk);
  if (mode === 'chunk') {
    const ch = DuckDBDataChunk.create(types as any, rows.length); ch.setRows(rows as any); b = performance.now(); t.build += b - a; a = b;
    app.appendDataChunk(ch); b = performance.now(); t.append += b - a; a = b;
  } else if (mode === 'unnest') {
    const cols = types.map((_, j) => rows.map((r) => r[j]));
    for (let j = 0; j < 25; j++) prep.bindList(j + 1, cols[j] as any, LIST(types[j]) as any);
    b = performance.now(); t.build += b - a; a = b;
    await prep.run(); b = performance.now(); t.append += b - a; a = b;
  } else {
    for (const r of rows) { app.appendTimestamp(r[0] as any); for (let j = 1; j < 22; j++) app.appendVarchar(r[j] as string); app.appendList(r[22] as any, types[22] as any); app.appendList(r[23] as any, types[23] as any); app.appendVarchar(r[24] as string); app.endRow(); }
    b = performance.now(); t.append += b - a; a = b;
  }
  if (mode !== 'unnest') app.flushSync(); b = performance.now(); t.flush += b - a; a = b;
  await c.run('COMMIT'); b = performance.now(); t.commit += b - a;
}
const u = process.cpuUsage(cpu0);
const out: Record<string, string> = {};
for (const k in t) out[k] = (t[k] / commits).toFixed(3);
console.log(batch, mode, process.argv.slice(5).join(' '), 'ms/commit wall', JSON.stringify(out), 'cpu', ((u.user + u.system) / 1000 / commits).toFixed(3));
app.closeSync(); c.closeSync(); inst.closeSync(); fs.rmSync(dir, { recursive: true });
