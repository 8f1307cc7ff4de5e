import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
const inst = await DuckDBInstance.create(process.env.DB ?? '/tmp/zenovay-bench-query-10000000.duckdb');
const c = await inst.connect();
const stmts = fs.readFileSync(process.argv[2]!, 'utf8').split(/;\s*\n/).map((s) => s.trim()).filter(Boolean);
await c.run(process.env.PRE ?? "SELECT 1"); for (let r = 0; r < Number(process.env.RUNS ?? 3); r++) {
  for (const sql of stmts) {
    const s = performance.now(); const cpu = process.cpuUsage();
    const rd = await c.runAndReadAll(sql);
    const u = process.cpuUsage(cpu);
    console.log(sql.slice(0, 110).replace(/\s+/g, ' ').padEnd(110), (performance.now() - s).toFixed(1).padStart(7), 'wall', ((u.user + u.system) / 1000).toFixed(1).padStart(7), 'cpu', r === 0 ? JSON.stringify(rd.getRowObjectsJS()[0], (_k, v) => typeof v === 'bigint' ? Number(v) : v)?.slice(0, 80) : '');
  }
}
