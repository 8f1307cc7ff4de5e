import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from './support/ports.ts';
import { tempDataDir } from './support/test-server.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = tempDataDir('zenovay-cli-');
const trackingCodePattern = /^ZV_[A-Za-z0-9_-]{20,}$/;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npx zenovay ...` from the repo root against the test's data directory. */
function zenovay(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['--no', 'zenovay', ...args],
      { cwd: repoRoot, env: { ...process.env, ZENOVAY_DATA_DIR: dataDir }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function zenovayJson(...args: string[]) {
  const result = await zenovay(...args, '--json');
  assert.equal(result.code, 0, `zenovay ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

let serverProcess: ChildProcess | null = null;

after(() => {
  if (serverProcess && serverProcess.exitCode === null) serverProcess.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `npm start`'s entry point as its own process and waits until /healthz answers. */
async function startServerProcess(): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ZENOVAY_DATA_DIR: dataDir,
      ZENOVAY_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  serverProcess = child;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`the server exited early: ${stderr}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return url;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server did not answer /healthz: ${stderr}`);
}

async function stopServerProcess(): Promise<number | null> {
  const child = serverProcess;
  assert.ok(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await exited;
  serverProcess = null;
  return code;
}

test('without a server: sites add/list work on the DuckDB file directly', async () => {
  const site = await zenovayJson('sites', 'add', 'example.com');
  for (const key of ['id', 'domain', 'tracking_code']) assert.ok(Object.hasOwn(site, key), key);
  assert.equal(site.domain, 'example.com');
  assert.match(site.tracking_code, trackingCodePattern);
  assert.match(site.id, /^[0-9a-f-]{36}$/);

  const other = await zenovayJson('sites', 'add', 'https://www.Other.example/');
  assert.equal(other.domain, 'www.other.example', 'a pasted URL is reduced to its host');
  assert.notEqual(other.tracking_code, site.tracking_code);

  const listed = await zenovayJson('sites', 'list');
  assert.deepEqual(
    listed.map((item: { domain: string; tracking_code: string }) => [item.domain, item.tracking_code]),
    [
      ['example.com', site.tracking_code],
      ['www.other.example', other.tracking_code],
    ],
  );

  const text = await zenovay('sites', 'list');
  assert.equal(text.code, 0);
  assert.ok(text.stdout.includes(site.tracking_code), 'the text listing shows tracking codes');

  const bad = await zenovay('sites', 'add', 'not a domain!');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /not a domain/);
});

test('while a server runs on the same data directory, the CLI goes through it', async () => {
  const url = await startServerProcess();
  try {
    // The server holds the DuckDB file; the CLI can only reach it through the admin socket.
    assert.ok(fs.existsSync(path.join(dataDir, 'admin.sock')), 'the admin socket is open');
    const before = await zenovayJson('sites', 'list');
    assert.deepEqual(
      before.map((item: { domain: string }) => item.domain),
      ['example.com', 'www.other.example'],
      'the sites added directly are there',
    );

    const shop = await zenovayJson('sites', 'add', 'shop.example');
    assert.match(shop.tracking_code, trackingCodePattern);
    const listed = await zenovayJson('sites', 'list');
    assert.ok(listed.some((item: { id: string }) => item.id === shop.id));

    // The running server knows the new site at once.
    const send = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}/e/${shop.tracking_code}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const event = {
      url: 'https://shop.example/',
      session_id: 'srv-cli-0001',
      device_type: 'server',
      browser: 'server',
      os: 'Linux',
      user_agent: 'MyApp-Server/1.0',
    };
    assert.equal((await send(event)).status, 202);
    assert.equal((await send({ ...event, user_agent: 'curl/8.5.0' })).status, 403);
    assert.equal((await send({ ...event, user_agent: 'python-requests/2.31' })).status, 403);
    assert.equal((await send({ url: 'https://shop.example/' })).status, 400);
    assert.equal((await send(event, { origin: 'https://evil.example' })).status, 403);

    const filtered = await zenovayJson('stats', 'filtered', '--site', shop.id);
    const today = new Date().toISOString().slice(0, 10);
    assert.deepEqual(
      filtered.map((item: { reason: string; count: number }) => [item.reason, item.count]),
      [
        ['BOT_DETECTED', 2],
        ['ORIGIN_NOT_ALLOWED', 1],
        ['VALIDATION_ERROR', 1],
      ],
    );
    for (const item of filtered) {
      assert.equal(item.site_id, shop.id);
      assert.equal(item.day, today);
    }
  } finally {
    assert.equal(await stopServerProcess(), 0, 'SIGTERM drains and exits cleanly');
  }

  // Stopped: the CLI opens the file itself again, and the counts were kept.
  const afterStop = await zenovayJson('stats', 'filtered');
  assert.ok(
    afterStop.some(
      (item: { reason: string; count: number }) => item.reason === 'BOT_DETECTED' && item.count === 2,
    ),
  );
  assert.equal((await zenovayJson('sites', 'list')).length, 3);
});
