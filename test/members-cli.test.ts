import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { startAdminServer } from '../packages/server/src/admin/admin-server.ts';
import { runCli } from '../packages/server/src/cli/main.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { startTestServer, tempDataDir } from './support/test-server.ts';

// `zenovay members add|list|remove` on the data directory (no server) and through the running
// server's admin socket: an account gets a role at once, an email without one an invitation
// link, and the last owner stays.

async function cli(dataDir: string, ...argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runCli(argv, { ZENOVAY_DATA_DIR: dataDir }, (text) => lines.push(text));
  return { code, text: lines.join('\n') };
}

async function membersSession(dataDir: string, siteId: string): Promise<void> {
  const list = async () => (await cli(dataDir, 'members', 'list', '--site', siteId)).text;
  // Made with `sites add`, the site has no members: it is the first account's.
  assert.equal(await list(), 'owner@example.com  owner');
  const added = await cli(dataDir, 'members', 'add', 'Viewer@Example.com', '--site', siteId);
  assert.equal(added.code, 0);
  assert.equal(added.text, `viewer@example.com is now viewer of ${siteId}.`);
  const invited = await cli(
    dataDir,
    'members',
    'add',
    'new@example.com',
    '--site',
    siteId,
    '--role',
    'admin',
  );
  assert.match(invited.text, /^No account has the email new@example\.com: invited as admin\./);
  assert.match(invited.text, /\n {2}\/invite\/zvi_[A-Za-z0-9_-]{43}\n/);
  // Expiry: 7 days from now (the wall clock in direct mode, the test's clock through the server).
  const inviteLine = /^new@example\.com {2}admin {2}\(invited; the link expires \d{4}-\d\d-\d\dT[\d:.]+Z\)$/;
  const lines = (await list()).split('\n');
  assert.deepEqual(lines.slice(0, 2), ['owner@example.com  owner', 'viewer@example.com  viewer']);
  assert.match(lines[2] ?? '', inviteLine);
  assert.equal(lines.length, 3);
  const json = JSON.parse((await cli(dataDir, 'members', 'list', '--site', siteId, '--json')).text);
  assert.deepEqual(json.members, [
    { email: 'owner@example.com', role: 'owner' },
    { email: 'viewer@example.com', role: 'viewer' },
  ]);
  assert.deepEqual(
    json.invites.map((i: { email: string; role: string }) => [i.email, i.role]),
    [['new@example.com', 'admin']],
  );
  const removed = await cli(dataDir, 'members', 'remove', 'viewer@example.com', '--site', siteId);
  assert.equal(removed.text, 'Removed viewer@example.com: their access has ended.');
  const after = (await list()).split('\n');
  assert.equal(after[0], 'owner@example.com  owner');
  assert.match(after[1] ?? '', inviteLine);
  assert.equal(after.length, 2, 'the viewer is gone');
  await assert.rejects(
    cli(dataDir, 'members', 'remove', 'owner@example.com', '--site', siteId),
    /last owner/,
  );
  await assert.rejects(
    cli(dataDir, 'members', 'remove', 'viewer@example.com', '--site', siteId),
    /is not a member/,
  );
  await assert.rejects(
    cli(dataDir, 'members', 'add', 'x@example.com', '--site', siteId, '--role', 'boss'),
    /--role/,
  );
  await assert.rejects(cli(dataDir, 'members', 'list', '--site', 'nope'), /no site has id "nope"/);
  await assert.rejects(cli(dataDir, 'members', 'list'), /needs --site ID/);
}

/** The owner's account first (the oldest account owns sites without members), then the viewer's. */
async function accounts(dataDir: string, between: () => void = () => undefined): Promise<void> {
  assert.equal((await cli(dataDir, 'users', 'add', 'owner@example.com')).code, 0);
  between();
  assert.equal((await cli(dataDir, 'users', 'add', 'viewer@example.com')).code, 0);
}

test('members on the data directory when no server runs', async () => {
  const dataDir = tempDataDir();
  try {
    await accounts(dataDir);
    const site = JSON.parse((await cli(dataDir, 'sites', 'add', 'shop.example', '--json')).text);
    await membersSession(dataDir, site.id);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('members through the running server’s admin socket', async () => {
  const server = await startTestServer();
  const admin = await startAdminServer(server.runtime, createLogger('silent'));
  try {
    await accounts(server.dataDir, () => server.clock.advance(1_000));
    const site = await server.runtime.sites.add('shop.example');
    await membersSession(server.dataDir, site.id);
  } finally {
    await admin.close();
    await server.stop();
  }
});
