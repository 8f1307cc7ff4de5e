/**
 * Makes docs/images/dashboard.png, the README's screenshot: a throwaway server on a temporary data
 * directory, one account and one site made with the CLI, ~220 varied events (batch ingest spread
 * over the last 24 hours, plus live ones through `/e/{code}` from a trusted loopback proxy), then
 * headless Chromium signs in and captures the site's "Last 24 hours" view at 1280x900.
 *
 *   node --import tsx scripts/docs-screenshot.ts [--out docs/images/dashboard.png]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { desktopUserAgent, launchHeadlessChromium } from '../test/support/browser.ts';
import { freePort } from '../test/support/ports.ts';
import { demoTraffic } from './docs-screenshot-traffic.ts';

const email = 'demo@example.com';
const password = 'correct-horse-battery-staple';
const domain = 'shop.example.com';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/images/dashboard.png' } } });
const out = path.resolve(values.out);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-shot-'));
const cliBin = path.resolve('packages/server/bin/zenovay.mjs');

function cli(args: string[], input?: string): string {
  return execFileSync(process.execPath, [cliBin, ...args], {
    env: { ...process.env, ZENOVAY_DATA_DIR: dataDir },
    input,
    encoding: 'utf8',
  });
}

async function waitForHealth(url: string, server: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not become healthy');
}

async function main(): Promise<void> {
  cli(['users', 'add', email, '--password-stdin', '--json'], `${password}\n`);
  const site = JSON.parse(
    cli(['sites', 'add', domain, '--name', 'Demo shop', '--timezone', 'UTC', '--json']),
  ) as {
    id: string;
    tracking_code: string;
  };
  const key = JSON.parse(cli(['keys', 'create', '--site', site.id, '--scope', 'ingest', '--json'])) as {
    key: string;
  };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ZENOVAY_DATA_DIR: dataDir,
      ZENOVAY_TRUSTED_PROXIES: '127.0.0.1',
      ZENOVAY_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    await waitForHealth(url, server);
    const sent = await demoTraffic({ url, trackingCode: site.tracking_code, apiKey: key.key, domain });
    console.log(`sent ${sent} events`);
    const browser = await launchHeadlessChromium();
    try {
      const context = await browser.newContext({
        baseURL: url,
        viewport: { width: 1280, height: 900 },
        userAgent: desktopUserAgent,
      });
      const page = await context.newPage();
      await page.goto('/login');
      await page.fill('input[name=email]', email);
      await page.fill('input[name=password]', password);
      await page.click('button[type=submit]');
      await page.waitForURL((next) => !next.pathname.startsWith('/login'));
      await page.goto(`/sites/${encodeURIComponent(site.id)}?period=24h&compare=0`);
      await page.waitForSelector('[data-testid=top-stats][aria-busy=false]');
      await page.waitForSelector('[data-panel=map] path.active');
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(500);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      await page.screenshot({ path: out });
      console.log(`wrote ${out} (${fs.statSync(out).size} bytes)`);
    } finally {
      await browser.close();
    }
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
