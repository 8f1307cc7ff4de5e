import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultLoadDelayMs } from '../../packages/server/src/event-log/append-log.ts';
import { freePort } from '../../test/support/ports.ts';
import { measureCommitFloor, printCeiling } from './ceiling.ts';
import { measureDiskFloor, printDiskFloor } from './disk-floor.ts';
import { printTargets, runIssueTargets } from './issue-targets.ts';
import { cpuPressureUs, processCpuMs } from './process-cpu.ts';
import type { LoadPlan, LoadResult } from './protocol.ts';
import { type Measured, printReport, type TargetKind } from './report.ts';
import { abandonTargets, startBareTarget, startFullTarget, type Target } from './targets.ts';

const usage = `npm run bench:ingest -- [options]

Drives POST /e/{trackingCode} on loopback and compares a bare node:http + JSON.parse server (A)
with the full Zenovay pipeline (B: validation, bot filter, geo, visitor hash, durable DuckDB writes).

  --duration S      measured seconds per target        (env BENCH_DURATION_S, default 10)
  --warmup S        unmeasured warm-up seconds         (env BENCH_WARMUP_S, default 2)
  --connections N   concurrent keep-alive connections  (env BENCH_CONNECTIONS, default 64)
  --per-address N   requests per source address, <= 60 (env BENCH_PER_ADDRESS, default 50)
  --rounds N        repeat A, B and C this many times  (env BENCH_ROUNDS, default 1)
  --only bare|full|no-rollup  run one target only
  C, no-rollup: B with ZENOVAY_VISIT_ROLLUP=off, the loader not maintaining the visit rollup; the
  report prints B/C (issue 16: ingest with the rollup at least 0.9 of ingest without it).
  --rate R          open loop for the rounds: R requests per second in total, on a fixed schedule
  --cpu-prof DIR    write a V8 CPU profile of the full server into DIR
                    (summarise: node --import tsx bench/ingest/profile-summary.ts DIR/<file>)
  --keep-data       keep the full server's data directory
  Last, the DuckDB store alone commits batches of --connections events (bench/ingest/store-commit.ts)
  and the report prints the ratio the full server could reach if nothing but that store cost more
  than the bare server.
  Then issue 17's other targets, each on a fresh full server, printed as one more table: p99 at
  half the full rate (open loop: requests sent on a fixed schedule and timed from when they were
  due), freshness at full load (one probe event at a time, 202 to visible in the REST stats), and
  p99 at half rate on a copy of the 10M-event dataset, idle and beside a looping dashboard query.
  --dataset FILE    the DuckDB file for that last row (default /tmp/zenovay-bench-query-10000000.duckdb,
                    written by: npm run bench:query -- --events 10M); skipped when missing
  --skip-targets    only the A/B rounds
  --server-entry F  run F instead of packages/server/src/main.ts as the full server (experiments)
  --bare-entry F    run F instead of bench/ingest/bare-server.ts as the bare server (experiments)`;

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    'per-address': { type: 'string' },
    rounds: { type: 'string' },
    only: { type: 'string' },
    rate: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'keep-data': { type: 'boolean', default: false },
    dataset: { type: 'string', default: path.join(os.tmpdir(), 'zenovay-bench-query-10000000.duckdb') },
    'skip-targets': { type: 'boolean', default: false },
    'server-entry': { type: 'string', default: 'packages/server/src/main.ts' },
    'bare-entry': { type: 'string', default: 'bench/ingest/bare-server.ts' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

function positive(flag: string | undefined, envName: string, fallback: number): number {
  const raw = flag ?? process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${envName} (or its flag) must be a positive number`);
  return value;
}

const durationMs = positive(values.duration, 'BENCH_DURATION_S', 10) * 1000;
const warmupMs = positive(values.warmup, 'BENCH_WARMUP_S', 2) * 1000;
const connections = Math.floor(positive(values.connections, 'BENCH_CONNECTIONS', 64));
// The server allows 60 requests per 10 s per address; staying under it means the limiter never caps the run.
const requestsPerAddress = Math.min(60, Math.floor(positive(values['per-address'], 'BENCH_PER_ADDRESS', 50)));
const rounds = Math.floor(positive(values.rounds, 'BENCH_ROUNDS', 1));
const allKinds: readonly TargetKind[] = ['bare', 'full', 'no-rollup'];
const only = values.only as TargetKind | undefined;
if (only !== undefined && !allKinds.includes(only)) throw new Error('--only takes bare, full or no-rollup');
const kinds: readonly TargetKind[] = only ? [only] : allKinds;
const cpuProfDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : null;

/** Runs the load generator in its own process (its own event loop and core) against one target. */
function drive(
  target: Pick<Target, 'port' | 'path'>,
  firstAddress: number,
  ratePerSecond?: number,
): Promise<LoadResult> {
  const plan: LoadPlan = {
    host: '127.0.0.1',
    port: target.port,
    path: target.path,
    connections,
    warmupMs,
    durationMs,
    requestsPerAddress,
    firstAddress,
    ...(ratePerSecond ? { ratePerSecond } : {}),
  };
  const child = fork(path.join(import.meta.dirname, 'load-generator.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (result) => resolve(result as LoadResult));
    child.once('exit', (code) => reject(new Error(`load generator exited without a result (${code})`)));
    child.send(plan);
  });
}

async function measure(kind: TargetKind, round: number): Promise<Measured> {
  const port = await freePort();
  const target =
    kind === 'bare'
      ? await startBareTarget(port, values['bare-entry'])
      : await startFullTarget({
          port,
          cpuProfDir,
          keepData: values['keep-data'],
          entry: values['server-entry'],
          ...(kind === 'no-rollup' ? { env: { ZENOVAY_VISIT_ROLLUP: 'off' } } : {}),
        });
  // Disjoint source-address ranges per run, so no address is ever reused against a limiter.
  const firstAddress = (round * allKinds.length + allKinds.indexOf(kind)) * 250_000;
  // Sample the server's CPU at the edges of the measured window (the generator keeps the same clock).
  let cpuAtStart: number | null = null;
  let pressureAtStart: number | null = null;
  let serverCpuMs: number | null = null;
  let cpuPressure: number | null = null;
  const startTimer = setTimeout(() => {
    cpuAtStart = processCpuMs(target.pid);
    pressureAtStart = cpuPressureUs();
  }, warmupMs);
  const endTimer = setTimeout(() => {
    const now = processCpuMs(target.pid);
    serverCpuMs = now === null || cpuAtStart === null ? null : now - cpuAtStart;
    const pressure = cpuPressureUs();
    cpuPressure =
      pressure === null || pressureAtStart === null
        ? null
        : (pressure - pressureAtStart) / (durationMs * 1000);
  }, warmupMs + durationMs);
  let load: LoadResult;
  try {
    load = await drive(
      target,
      firstAddress,
      values.rate ? positive(values.rate, 'BENCH_RATE', 1) : undefined,
    );
  } catch (error) {
    await target.stop();
    throw error;
  } finally {
    clearTimeout(startTimer);
    clearTimeout(endTimer);
  }
  const { stored } = await target.stop();
  return { kind, round, load, stored, serverCpuMs, cpuPressure };
}

// Interrupted: take the servers and their data directories down with us.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    abandonTargets();
    process.exit(130);
  });
}

const [loadBefore] = os.loadavg();
const results: Measured[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    for (const kind of kinds) {
      process.stderr.write(`round ${round + 1}/${rounds}: ${kind} ...\n`);
      results.push(await measure(kind, round));
    }
  }
} catch (error) {
  abandonTargets();
  throw error;
}
const settings = {
  connections,
  requestsPerAddress,
  warmupMs,
  durationMs,
  rounds,
  loadBefore: loadBefore ?? 0,
};
if (!printReport(results, settings)) process.exitCode = 1;
const fullRates = results
  .filter((m) => m.kind === 'full')
  .map((m) => m.load.requests / (m.load.durationMs / 1000))
  .sort((a, b) => a - b);
if (kinds.includes('bare') && kinds.includes('full')) {
  // The loader takes what gathered during its delay: at the full rate, this many events per load.
  const perLoad = Math.max(
    1,
    Math.round((fullRates[Math.floor(fullRates.length / 2)]! * defaultLoadDelayMs) / 1000),
  );
  printCeiling(results, await measureCommitFloor(perLoad));
}
if (kinds.includes('full')) printDiskFloor(await measureDiskFloor());
if (!values['skip-targets'] && fullRates.length > 0) {
  try {
    const rows = await runIssueTargets({
      drive,
      fullRate: fullRates[Math.floor(fullRates.length / 2)]!,
      warmupMs,
      durationMs,
      entry: values['server-entry'],
      bareEntry: values['bare-entry'],
      dataset: values.dataset,
    });
    printTargets(rows);
  } catch (error) {
    abandonTargets();
    throw error;
  }
  console.log(`load average ${os.loadavg()[0]?.toFixed(2)} at the end`);
}
