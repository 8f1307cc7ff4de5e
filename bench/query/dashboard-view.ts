/**
 * `node --import tsx bench/query/dashboard-view.ts [--site site-10] [--runs 5]`
 * The dashboard's first view over the `bench:query` dataset (run that first, e.g. with
 * `--events 10M`), in headless Chromium against the real server: a copy of the dataset becomes the
 * server's DuckDB file, the first account is set up through the page, then the site's 30-day view
 * is opened `runs` times. Prints the time from navigation to the last stats answer of the view.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { loadConfig } from '../../packages/server/src/config.ts';
import { startRuntime } from '../../packages/server/src/runtime.ts';
import { databaseFileName } from '../../packages/server/src/store/duckdb/open.ts';
import { launchChromium, openPage, setUpFirstUser } from '../../test/dashboard-helpers.ts';
import { freePort } from '../../test/support/ports.ts';

const { values } = parseArgs({
  options: {
    site: { type: 'string', default: 'site-10' },
    runs: { type: 'string', default: '5' },
    db: { type: 'string', default: path.join(os.tmpdir(), 'zenovay-bench-query-10000000.duckdb') },
  },
});
const endMs = Date.parse('2026-03-10T12:00:00Z'); // as bench/query/run.ts

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-dashboard-view-'));
  fs.copyFileSync(values.db, path.join(dataDir, databaseFileName));
  const setup = await DuckDBInstance.create(path.join(dataDir, databaseFileName));
  const connection = await setup.connect();
  await connection.run(
    `INSERT INTO sites VALUES ($1, $1 || '.example', $1, 'ZV_bench_' || $1, 'Europe/Berlin', now())`,
    [values.site],
  );
  connection.closeSync();
  setup.closeSync();

  const port = await freePort();
  const config = loadConfig({}, { dataDir, port, host: '127.0.0.1', logLevel: 'silent' });
  const runtime = await startRuntime(config, { clock: new ManualClock(endMs) });
  await runtime.app.listen({ port, host: '127.0.0.1' });
  const browser = await launchChromium();
  try {
    const { page } = await openPage(browser, `http://127.0.0.1:${port}`);
    await setUpFirstUser(page, 'bench@example.com', 'a long enough bench password');
    let first = 0;
    let last = 0;
    let queries = 0;
    page.on('request', (request) => {
      if (request.url().endsWith('/query') && first === 0) first = performance.now();
    });
    page.on('requestfinished', (request) => {
      if (request.url().endsWith('/query')) {
        last = performance.now();
        queries += 1;
      }
    });
    const times: number[] = [];
    const statsTimes: number[] = [];
    for (let i = 0; i <= Number(values.runs); i++) {
      await page.goto('/sites');
      queries = 0;
      first = 0;
      const started = performance.now();
      await page.goto(`/sites/${encodeURIComponent(values.site)}?period=30d`);
      await page.waitForLoadState('networkidle');
      if (i > 0) {
        times.push(last - started); // the first run warms the file's blocks
        statsTimes.push(last - first);
      }
      console.log(
        `run ${i}: ${queries} stats requests, last answer ${(last - started).toFixed(0)} ms after navigation, ${(last - first).toFixed(0)} ms after the first stats request`,
      );
    }
    const summary = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return `median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, best ${sorted[0]?.toFixed(0)} ms`;
    };
    console.log(`first view of ${values.site}, 30 days: from navigation ${summary(times)};`);
    console.log(
      `  from the first stats request ${summary(statsTimes)}; load average ${os.loadavg()[0]?.toFixed(2)}`,
    );
  } finally {
    await browser.close();
    await runtime.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
