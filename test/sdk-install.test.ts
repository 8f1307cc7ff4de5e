import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { addSite, startTestServer, storedEvents, type TestServer } from './support/test-server.ts';

// Issue 18: @zenovay/node installs before it is published. `npm pack` builds it (the package's
// `prepare`) into a tarball that a separate project installs offline (it has no dependencies) and
// loads with `require` and with `import`; `npm install <repo>/packages/node` works as well. Each
// consumer sends one event with revenue to a real server, so "loads" means "works".
const run = promisify(execFile);
const packageDir = path.resolve('packages/node');
const typescriptBin = path.resolve('node_modules/typescript/bin/tsc');
const nodeTypes = path.resolve('node_modules/@types');
let server: TestServer;
let work: string;

before(async () => {
  server = await startTestServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'zenovay-node-install-'));
});
after(async () => {
  await server.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

/** npm without network, prompts or noise; the consumer is not inside this repository. */
function npm(args: string[], cwd: string) {
  return run('npm', [...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
}

/** A new project of its own, outside the repository. */
function consumer(name: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true, version: '1.0.0' }));
  return dir;
}

/** One purchase through the installed package; prints the result. `load` is how it is loaded. */
function script(load: string, trackingCode: string, orderId: string): string {
  return `${load}
const client = createClient({ trackingCode: ${JSON.stringify(trackingCode)}, host: ${JSON.stringify(server.url)} });
client.trackEvent('purchase', {
  url: 'https://shop.example/checkout/success',
  sessionId: 'srv-install-0001',
  revenue: { amount: '19.90', currency: 'EUR' },
  properties: { order_id: ${JSON.stringify(orderId)} },
}).then(async (result) => { await client.shutdown(); console.log(JSON.stringify(result)); });`;
}

async function purchaseFrom(dir: string, load: string, orderId: string, module: boolean) {
  const site = await addSite(server, `${orderId.toLowerCase()}.install.example`);
  const args = module ? ['--input-type=module', '-e'] : ['-e'];
  const { stdout } = await run(process.execPath, [...args, script(load, site.trackingCode, orderId)], {
    cwd: dir,
  });
  const result = JSON.parse(stdout.trim());
  assert.equal(result.ok, true, stdout);
  const rows = await storedEvents(server, site.id);
  assert.deepEqual(
    rows.map((row) => [row.event_name, `${row.revenue_e4}`, row.revenue_currency]),
    [['purchase', '199000', 'EUR']],
  );
}

test('npm pack builds a tarball that installs offline in another project and loads by require and import', async () => {
  const packed = path.join(work, 'packed');
  fs.mkdirSync(packed);
  // `npm pack` runs `prepare`, which builds dist/: nothing needs to be built by hand first.
  const { stdout } = await npm(['pack', '--json', '--pack-destination', packed], packageDir);
  const [info] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  const files = info.files.map((file) => file.path).sort();
  for (const file of [
    'dist/cjs/index.js',
    'dist/cjs/index.d.ts',
    'dist/esm/index.js',
    'dist/esm/index.d.ts',
  ]) {
    assert.ok(files.includes(file), `${file} is in the tarball: ${files.join(', ')}`);
  }
  assert.ok(files.includes('package.json') && files.includes('README.md'));
  assert.ok(!files.some((file) => file.startsWith('src/') || file.startsWith('scripts/')), files.join(', '));

  const app = consumer('tarball-app');
  await npm(['install', path.join(packed, info.filename)], app);
  const installed = JSON.parse(
    fs.readFileSync(path.join(app, 'node_modules/@zenovay/node/package.json'), 'utf8'),
  );
  assert.equal(installed.name, '@zenovay/node');
  await purchaseFrom(app, "const { createClient } = require('@zenovay/node');", 'CJS-1', false);
  await purchaseFrom(app, "import { createClient } from '@zenovay/node';", 'ESM-1', true);

  // TypeScript finds the types through the exports map, the new options included.
  fs.writeFileSync(
    path.join(app, 'check.mts'),
    `import { createClient, type TrackEventOptions } from '@zenovay/node';
const options: TrackEventOptions = { url: 'https://a.example/', sessionId: 'srv-types-1', userId: 'u-1',
  revenue: { amount: 5, currency: 'USD' } };
void createClient({ trackingCode: 'ZV_x', host: 'http://127.0.0.1:1' }).trackEvent('purchase', options);
`,
  );
  await run(
    process.execPath,
    [
      typescriptBin,
      '--noEmit',
      '--strict',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--typeRoots',
      nodeTypes,
      '--types',
      'node',
      'check.mts',
    ],
    { cwd: app },
  );
});

test('npm install <repo>/packages/node builds it (prepare) and it loads by require and import', async () => {
  const app = consumer('directory-app');
  fs.rmSync(path.join(packageDir, 'dist'), { recursive: true, force: true });
  await npm(['install', packageDir], app);
  assert.ok(fs.existsSync(path.join(packageDir, 'dist/cjs/index.js')), 'prepare built dist/');
  await purchaseFrom(app, "const { createClient } = require('@zenovay/node');", 'CJS-2', false);
  await purchaseFrom(app, "import { createClient } from '@zenovay/node';", 'ESM-2', true);
});
