import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { startAdminServer } from '../packages/server/src/admin/admin-server.ts';
import { runCli } from '../packages/server/src/cli/main.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { DashboardClient } from './support/dashboard-client.ts';
import { curlPageview } from './support/spec-examples.ts';
import { postEvent, startTestServer, storedEvents, tempDataDir } from './support/test-server.ts';

const execFileAsync = promisify(execFile);
const bin = path.resolve('packages/server/bin/zenovay.mjs');

async function cli(dataDir: string, ...args: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const code = await runCli(args, { ZENOVAY_DATA_DIR: dataDir }, (line) => lines.push(line));
  return { code, text: lines.join('\n') };
}

test('`zenovay users delete` shows the plan, deletes only with --yes, and refuses the only account (no server)', async () => {
  const dataDir = tempDataDir();
  try {
    assert.equal((await cli(dataDir, 'users', 'add', 'first@example.com')).code, 0);
    assert.equal((await cli(dataDir, 'users', 'add', 'other@example.com')).code, 0);
    // A site made with `sites add` has no members: it belongs to the first account.
    assert.equal((await cli(dataDir, 'sites', 'add', 'cli.example')).code, 0);

    const dry = await cli(dataDir, 'users', 'delete', 'First@Example.com');
    assert.equal(dry.code, 1, 'without --yes nothing happens and the exit code says so');
    assert.match(dry.text, /Deleting user first@example\.com removes:/);
    assert.match(dry.text, /cli\.example \(id /);
    assert.match(dry.text, /Nothing was deleted\. Run again with --yes/);
    assert.match((await cli(dataDir, 'sites', 'list')).text, /cli\.example/);

    const done = await cli(dataDir, 'users', 'delete', 'first@example.com', '--yes', '--json');
    assert.equal(done.code, 0);
    const answer = JSON.parse(done.text);
    assert.equal(answer.email, 'first@example.com');
    assert.equal(answer.deleted, true);
    assert.deepEqual(
      answer.deleted_sites.map((site: { domain: string }) => site.domain),
      ['cli.example'],
    );
    assert.deepEqual(answer.kept_sites, []);
    assert.equal((await cli(dataDir, 'sites', 'list', '--json')).text, '[]');

    await assert.rejects(cli(dataDir, 'users', 'delete', 'other@example.com', '--yes'), /only account/);
    await assert.rejects(cli(dataDir, 'users', 'delete', 'first@example.com'), /no account has the email/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('`zenovay users delete --yes` works while the server runs: events gone, tracking code refused, no sign-in', async () => {
  const dataDir = tempDataDir();
  const running = await startTestServer({ dataDir });
  const admin = await startAdminServer(running.runtime, createLogger('silent'));
  try {
    const password = 'correct horse battery staple';
    await running.runtime.accounts.createUser('first@example.com', password);
    running.clock.advance(1_000);
    const leaving = await running.runtime.accounts.createUser('leaving@example.com', password);
    const site = await running.runtime.sites.add('leaving.example');
    await running.runtime.accounts.addOwner(site.id, leaving.id);
    const body = { ...curlPageview, session_id: 'srv-cli-delete' };
    assert.equal((await postEvent(running, site.trackingCode, body)).status, 202);
    assert.equal((await storedEvents(running, site.id)).length, 1);

    const { stdout } = await execFileAsync(
      process.execPath,
      [bin, 'users', 'delete', 'leaving@example.com', '--yes'],
      {
        env: { ...process.env, ZENOVAY_DATA_DIR: dataDir },
      },
    );
    assert.match(stdout, /User leaving@example\.com deleted\./);
    assert.match(stdout, /leaving\.example/);
    assert.deepEqual(await storedEvents(running, site.id), []);
    const late = await postEvent(running, site.trackingCode, { ...body, session_id: 'srv-cli-late' });
    assert.equal(late.body.error.code, 'UNKNOWN_TRACKING_CODE');
    const signIn = await new DashboardClient(running).signIn('leaving@example.com', password);
    assert.equal(signIn.body.error.code, 'LOGIN_FAILED');
    assert.ok(await running.runtime.accounts.userWithEmail('first@example.com'));
  } finally {
    await admin.close();
    await running.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
