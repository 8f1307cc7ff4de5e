/**
 * `node --import tsx packages/dashboard/scripts/bench-first-view.ts [--db FILE] [--runs N]`
 * Times the dashboard's first view in headless Chromium over the `npm run bench:query` dataset
 * (default: its 10M-event file in the temp dir, copied so the original stays untouched): from
 * navigation until every panel has its numbers, for the largest site over the last 30 days.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { launchChromium, openPage, signIn } from '../../../test/dashboard-helpers.ts';
import { startTestServer } from '../../../test/support/test-server.ts';
import { ManualClock } from '../../server/src/clock.ts';
import { databaseFileName } from '../../server/src/store/duckdb/open.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: path.join(os.tmpdir(), 'zenovay-bench-query-10000000.duckdb') },
    runs: { type: 'string', default: '3' },
    site: { type: 'string', default: 'site-0' },
  },
});
if (!fs.existsSync(values.db))
  throw new Error(`${values.db} not found; run: npm run bench:query -- --events 10M`);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-first-view-'));
fs.copyFileSync(values.db, path.join(dataDir, databaseFileName));
{
  // The bench file holds events only; give the site a row (the first user owns ownerless sites).
  const instance = await DuckDBInstance.create(path.join(dataDir, databaseFileName));
  const connection = await instance.connect();
  await connection.run(
    `INSERT INTO sites (id, domain, name, tracking_code, timezone, created_at)
     VALUES ($1, $2, $1, $1, 'Europe/Berlin', now()) ON CONFLICT DO NOTHING`,
    [values.site, `${values.site}.example`],
  );
  connection.closeSync();
  instance.closeSync();
}
const server = await startTestServer({
  dataDir,
  clock: new ManualClock(Date.parse('2026-03-10T12:00:00Z') - 1),
});
const browser = await launchChromium();
try {
  await server.runtime.accounts.createUser('bench@example.com', 'bench password 123');
  const { page } = await openPage(browser, server.url);
  await signIn(page, 'bench@example.com', 'bench password 123');
  const times: number[] = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const started = performance.now();
    await page.goto(`/sites/${values.site}?period=30d`);
    await page.waitForSelector('[data-testid=top-stats]');
    await page.waitForSelector('[data-testid=chart] canvas');
    for (const panel of ['sources', 'pages', 'locations', 'devices', 'events']) {
      await page.waitForSelector(
        `[data-panel=${panel}] table, [data-panel=${panel}] .panel-empty:not(:empty)`,
      );
    }
    await page.waitForSelector('[data-panel=map] svg');
    times.push(performance.now() - started);
    const visitors = await page.textContent('[data-metric=visitors] .stat-value');
    console.log(
      `run ${run + 1}: first view complete in ${(times.at(-1)! / 1000).toFixed(2)} s (${visitors} visitors)`,
    );
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`median first view: ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(2)} s`);
} finally {
  await browser.close();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
