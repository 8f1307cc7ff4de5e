import { execFile, fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { DuckDBInstance } from '@duckdb/node-api';
import { ClickHouseStatsEngine } from '../../packages/server/src/stats/clickhouse-engine.ts';
import { createDuckDbStatsEngine } from '../../packages/server/src/stats/index.ts';
import { ClickHouseEventStore } from '../../packages/server/src/store/clickhouse/event-store.ts';
import { ClickHouseHttp } from '../../packages/server/src/store/clickhouse/http-client.ts';
import { openDuckDb } from '../../packages/server/src/store/duckdb/open.ts';
import { startServerProcess } from '../../test/support/process-server.ts';
import { type RunningService, startService } from '../../test/support/services.ts';
import { tempDataDir } from '../../test/support/test-server.ts';
import type { LoadPlan, LoadResult } from '../ingest/protocol.ts';
import { benchSite, dashboardPage, fillClickHouse, fillDuckDb } from './query-data.ts';

const usage = `npm run bench:scale -- [--duration S] [--connections N] [--events N] [--runs N]
                          [--only ingest|query] [--clickhouse URL]

One run prints: ingest req/s of one node on the embedded default (DuckDB) and of one node on
scale-out (spool + ClickHouse, PostgreSQL, Redis), then the latency of a 30-day dashboard view
(every panel of the dashboard's overview, asked through the stats engine as one \`queryMany\` page,
as the dashboard does) over N synthetic events (default 10M) on DuckDB and on ClickHouse. Services come from Debian's packages via scripts/services/service.sh.

--only runs one half. --clickhouse uses a ClickHouse server that is already running (e.g. one
started with scripts/services/service.sh) for the query half and leaves it running: its
database zenovay_query is filled once and reused while it holds N bench events.`;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    events: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    clickhouse: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const durationMs = Number(values.duration) * 1000;
const connections = Number(values.connections);
const events = Number(values.events);
const runs = Number(values.runs);
const only = values.only;
if (only !== undefined && only !== 'ingest' && only !== 'query') {
  console.error(usage);
  process.exit(2);
}
const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

function drive(port: number, urlPath: string, firstAddress: number): Promise<LoadResult> {
  const plan: LoadPlan = {
    host: '127.0.0.1',
    port,
    path: urlPath,
    connections,
    warmupMs: 2_000,
    durationMs,
    requestsPerAddress: 50,
    firstAddress,
  };
  const child = fork(path.join(repoRoot, 'bench/ingest/load-generator.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (result) => resolve(result as LoadResult));
    child.once('exit', (code) => reject(new Error(`load generator exited without a result (${code})`)));
    child.send(plan);
  });
}

async function ingest(label: string, env: Record<string, string>, firstAddress: number): Promise<void> {
  const dataDir = tempDataDir('zenovay-bench-scale-');
  const node = await startServerProcess({ dataDir, env });
  try {
    const { stdout } = await run(
      process.execPath,
      ['packages/server/bin/zenovay.mjs', 'sites', 'add', 'bench.example', '--json'],
      { cwd: repoRoot, env: { ...process.env, ...env, ZENOVAY_DATA_DIR: dataDir } },
    );
    const site = JSON.parse(stdout) as { tracking_code: string };
    const result = await drive(node.port, `/e/${site.tracking_code}`, firstAddress);
    const rps = (result.requests / result.durationMs) * 1000;
    console.log(
      `ingest ${label.padEnd(22)} ${rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50Ms.toFixed(1)} ms  p99 ${result.p99Ms.toFixed(1)} ms  statuses ${JSON.stringify(result.statuses)}`,
    );
  } finally {
    await node.kill('SIGTERM', 60_000).catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function timeQueries(label: string, runOnce: () => Promise<unknown>): Promise<string> {
  const answers = JSON.stringify(await runOnce()); // also warms caches, as a dashboard in use has them
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await runOnce();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    `query  ${label.padEnd(22)} 30-day view over ${events.toLocaleString('en')} events: median ${times[Math.floor(times.length / 2)]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}, ${runs} runs)`,
  );
  return answers;
}

/** Fills the query database unless it already holds exactly the bench's events. */
async function ensureClickHouseFilled(http: ClickHouseHttp, url: string): Promise<void> {
  const held = await http
    .rows<{ n: string }>(`SELECT count() AS n FROM zenovay_query.events WHERE site_id = '${benchSite}'`)
    .then((rows) => Number(rows[0]?.n ?? 0))
    .catch(() => 0);
  if (held === events) {
    process.stderr.write(`ClickHouse already holds ${events} bench events\n`);
    return;
  }
  // The whole database: the visit rollup must be refilled with the events.
  await http.exec('DROP DATABASE IF EXISTS zenovay_query');
  await ClickHouseEventStore.open({ shardUrls: [url], database: 'zenovay_query' });
  const started = performance.now();
  await fillClickHouse(http, 'zenovay_query', events);
  await http.exec('OPTIMIZE TABLE zenovay_query.events FINAL');
  process.stderr.write(`ClickHouse filled in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

/** The ClickHouse engine as if its visit rollup were not built: visits rebuilt from events. */
class RebuiltVisitsEngine extends ClickHouseStatsEngine {
  protected override async bucketRollupReady(): Promise<boolean> {
    return false;
  }
}

async function setDuckDbRollup(duckdb: DuckDBInstance, built: boolean): Promise<void> {
  const connection = await duckdb.connect();
  await connection.run(`UPDATE rollup_state SET built = ${built} WHERE name = 'visits'`);
  connection.closeSync();
}

async function queries(clickhouseUrl: string): Promise<void> {
  const duckDir = tempDataDir('zenovay-bench-query-');
  const duckdb = await openDuckDb(duckDir);
  const started = performance.now();
  await fillDuckDb(duckdb, events);
  process.stderr.write(`DuckDB filled in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const duckAnswers = await timeQueries(
    'duckdb',
    dashboardPage(createDuckDbStatsEngine(duckdb, { coalesce: false })),
  );
  // A/B in the same run: visits rebuilt from events (the rollup marked unbuilt).
  await setDuckDbRollup(duckdb, false);
  const duckRebuilt = await timeQueries(
    'duckdb (no rollup)',
    dashboardPage(createDuckDbStatsEngine(duckdb, { coalesce: false })),
  );
  await setDuckDbRollup(duckdb, true);
  console.log(
    `same answers with and without the DuckDB rollup: ${duckAnswers === duckRebuilt ? 'yes' : 'NO'}`,
  );
  duckdb.closeSync();
  fs.rmSync(duckDir, { recursive: true, force: true });

  const http = new ClickHouseHttp(clickhouseUrl, {}, 600_000);
  await ensureClickHouseFilled(http, clickhouseUrl);
  // The service's engine (createClickHouseStatsEngine) without its coalescing wrapper, as for
  // DuckDB, but with a timeout long enough for 10M events on a small box.
  const clickHouseAnswers = await timeQueries(
    'clickhouse',
    dashboardPage(new ClickHouseStatsEngine('zenovay_query', http)),
  );
  const clickHouseRebuilt = await timeQueries(
    'clickhouse (no rollup)',
    dashboardPage(new RebuiltVisitsEngine('zenovay_query', http)),
  );
  console.log(
    `same answers with and without the ClickHouse rollup: ${clickHouseAnswers === clickHouseRebuilt ? 'yes' : 'NO'}`,
  );
  // The same page on the same data must give the same answers, or the timings compare nothing.
  console.log(`same answers on both engines: ${duckAnswers === clickHouseAnswers ? 'yes' : 'NO'}`);
}

const services: RunningService[] = [];
try {
  if (only !== 'query') {
    const [redis, postgres, clickhouse] = await Promise.all([
      startService('redis'),
      startService('postgres'),
      startService('clickhouse'),
    ]);
    services.push(redis, postgres, clickhouse);
    const scaleEnv = {
      ZENOVAY_CLICKHOUSE_URL: `${clickhouse.url}/?database=zenovay_bench`,
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
    };
    await ingest('embedded', {}, 0);
    await ingest('scale-out', scaleEnv, 500_000);
  }
  if (only !== 'ingest') {
    let url = values.clickhouse;
    if (url === undefined) {
      const clickhouse =
        services.find((service) => service.name === 'clickhouse') ?? (await startService('clickhouse'));
      if (!services.includes(clickhouse)) services.push(clickhouse);
      url = clickhouse.url;
    }
    await queries(url);
  }
} finally {
  for (const service of services) await service.destroy();
}
