import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EventRow } from '../../packages/server/src/ingest/types.ts';
import { DuckDbEventStore } from '../../packages/server/src/store/duckdb/event-store.ts';
import { openDuckDb } from '../../packages/server/src/store/duckdb/open.ts';

/**
 * The store alone, without HTTP: commits `--commits` batches of `--batch` rows through the real
 * `DuckDbEventStore` on a fresh DuckDB file and prints process CPU (all threads) and event-loop
 * time per commit and per row. Isolates the per-commit and per-row cost the ingest bench pays.
 *   node --import tsx bench/ingest/store-commit.ts [batch=32] [commits=1500] ["SET …;" …]
 * Extra arguments are SQL run once before the loop (e.g. "SET checkpoint_threshold='1GB'").
 */
const [batchArg, commitsArg, ...setup] = process.argv.slice(2);
const batch = Number(batchArg ?? 32);
const commits = Number(commitsArg ?? 1500);

function row(n: number): EventRow {
  return {
    ts: Date.now(),
    siteId: 'site_bench',
    eventType: 'pageview',
    eventName: 'pageview',
    hostname: 'bench.example',
    pathname: `/products/widget-${n % 500}`,
    query: 'utm_source=bench&utm_medium=load',
    utmSource: 'bench',
    utmMedium: 'load',
    utmCampaign: '',
    utmTerm: '',
    utmContent: '',
    referrer: 'https://google.com/search',
    referrerHost: 'google.com',
    sessionId: `bench-${(n >>> 4).toString(36).padStart(8, '0')}`,
    visitorId: `v${(n * 2654435761) % 1e9}abcdef0123456789`,
    deviceType: 'server',
    browser: 'server',
    os: 'Linux',
    country: '',
    region: '',
    city: '',
    propKeys: [],
    propValues: [],
    eventId: '',
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-store-bench-'));
try {
  const instance = await openDuckDb(dir);
  const setupConnection = await instance.connect();
  for (const sql of setup) await setupConnection.run(sql);
  setupConnection.closeSync();
  const store = await DuckDbEventStore.open(instance);
  let n = 0;
  const rowsFor = () => Array.from({ length: batch }, () => row(n++));
  for (let i = 0; i < 50; i++) await store.append(rowsFor()); // warm-up
  const prepared = Array.from({ length: commits }, rowsFor);
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  for (const rows of prepared) await store.append(rows);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const loop = performance.eventLoopUtilization(elu);
  const cpuMs = (used.user + used.system) / 1000;
  const rows = batch * commits;
  console.log(
    JSON.stringify({
      batch,
      commits,
      setup,
      cpuMsPerCommit: +(cpuMs / commits).toFixed(3),
      cpuUsPerRow: +((cpuMs * 1000) / rows).toFixed(1),
      loopBusyMsPerCommit: +((loop.active / commits) as number).toFixed(3),
      wallMsPerCommit: +(wallMs / commits).toFixed(3),
      walBytes: fs.existsSync(path.join(dir, 'zenovay.duckdb.wal'))
        ? fs.statSync(path.join(dir, 'zenovay.duckdb.wal')).size
        : 0,
    }),
  );
  store.close();
  instance.closeSync();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
