import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { startAdminServer } from '../packages/server/src/admin/admin-server.ts';
import { runCli } from '../packages/server/src/cli/main.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { startTestServer, tempDataDir } from './support/test-server.ts';

// `zenovay funnels add|list|delete` on the data directory (no server) and through the running
// server's admin socket, with the service's refusals as sentences naming the --step.

async function cli(dataDir: string, ...argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runCli(argv, { ZENOVAY_DATA_DIR: dataDir }, (text) => lines.push(text));
  return { code, text: lines.join('\n') };
}

async function cliJson(dataDir: string, ...argv: string[]) {
  const { code, text } = await cli(dataDir, ...argv, '--json');
  assert.equal(code, 0, text);
  return JSON.parse(text);
}

async function funnelSession(dataDir: string, siteId: string): Promise<void> {
  await cliJson(dataDir, 'goals', 'add', '--site', siteId, '--event', 'purchase', '--name', 'Purchase');
  const added = await cliJson(
    dataDir,
    ...['funnels', 'add', '--site', siteId, '--name', 'Checkout'],
    ...['--step', '/pricing/*', '--step', 'event:signup;plan=pro', '--step', 'goal:Purchase'],
    ...['--window', '7d', '--order', 'strict'],
  );
  assert.match(added.id, /^f_[A-Za-z0-9_-]{16}$/);
  assert.deepEqual(
    [added.name, added.window, added.order, added.steps.map((step: { name: string }) => step.name)],
    ['Checkout', '7d', 'strict', ['/pricing/*', 'signup', 'Purchase']],
  );
  assert.deepEqual(added.steps[1].properties, { plan: 'pro' });
  const listed = await cli(dataDir, 'funnels', 'list', '--site', siteId);
  assert.equal(
    listed.text,
    `${added.id}  Checkout  (/pricing/* → event:signup;plan=pro → goal:Purchase; within 7d, strict)`,
  );
  await assert.rejects(
    cli(dataDir, 'funnels', 'add', '--site', siteId, '--name', 'Bad', '--step', '/a', '--step', 'goal:Nope'),
    /--step 2 \(steps\[1\]\.goal\): the goal "Nope" is not configured for this site/,
  );
  await assert.rejects(
    cli(dataDir, 'funnels', 'add', '--site', siteId, '--name', 'One', '--step', '/a'),
    /--step: a funnel has 2 to 8 steps; got 1/,
  );
  await assert.rejects(
    cli(
      dataDir,
      'funnels',
      'add',
      '--site',
      siteId,
      '--name',
      'W',
      '--step',
      '/a',
      '--step',
      '/b',
      '--window',
      '40d',
    ),
    /--window: must be from 1 minute/,
  );
  await assert.rejects(cli(dataDir, 'funnels', 'list', '--site', 'missing'), /no site has id "missing"/);
  const deleted = await cli(dataDir, 'funnels', 'delete', added.id, '--site', siteId);
  assert.equal(deleted.text, `Deleted ${added.id} (its events stay)`);
  await assert.rejects(
    cli(dataDir, 'funnels', 'delete', added.id, '--site', siteId),
    /has no funnel with that id/,
  );
  assert.match((await cli(dataDir, 'funnels', 'list', '--site', siteId)).text, /^No funnels yet/);
}

test('funnels on the data directory when no server runs', async () => {
  const dataDir = tempDataDir();
  try {
    const site = JSON.parse((await cli(dataDir, 'sites', 'add', 'shop.example', '--json')).text);
    await funnelSession(dataDir, site.id);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('funnels through the running server’s admin socket', async () => {
  const server = await startTestServer();
  const admin = await startAdminServer(server.runtime, createLogger('silent'));
  try {
    const site = await server.runtime.sites.add('shop.example');
    await funnelSession(server.dataDir, site.id);
  } finally {
    await admin.close();
    await server.stop();
  }
});
