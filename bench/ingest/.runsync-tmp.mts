import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDuckDb } from '/work/main/packages/server/src/store/duckdb/open.ts';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zx-'));
const inst = await openDuckDb(dir);
const c = await inst.connect();
const pb = await c.prepare('BEGIN TRANSACTION'); const pc = await c.prepare('COMMIT');
let syncQ = 0, wallQ = 0, syncP = 0, wallP = 0; const n = 500;
for (let i = 0; i < n + 50; i++) {
  if (i === 50) syncQ = wallQ = syncP = wallP = 0;
  let a = performance.now(); let p: Promise<unknown> = c.run('BEGIN TRANSACTION'); syncQ += performance.now() - a; await p; wallQ += performance.now() - a;
  a = performance.now(); p = c.run('COMMIT'); syncQ += performance.now() - a; await p; wallQ += performance.now() - a;
  a = performance.now(); p = pb.run(); syncP += performance.now() - a; await p; wallP += performance.now() - a;
  a = performance.now(); p = pc.run(); syncP += performance.now() - a; await p; wallP += performance.now() - a;
}
console.log('query: sync', (syncQ / n / 2).toFixed(3), 'wall', (wallQ / n / 2).toFixed(3), ' prepared: sync', (syncP / n / 2).toFixed(3), 'wall', (wallP / n / 2).toFixed(3));
c.closeSync(); inst.closeSync(); fs.rmSync(dir, { recursive: true });
