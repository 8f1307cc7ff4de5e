import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { startAdminServer } from '../packages/server/src/admin/admin-server.ts';
import { runCli } from '../packages/server/src/cli/main.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { apiGet, assertApiError, assertApiOk } from './api-helpers.ts';
import { addSite, startTestServer, tempDataDir } from './support/test-server.ts';

const bin = path.resolve('packages/server/bin/zenovay.mjs');

async function cli(dataDir: string, ...argv: string[]): Promise<string> {
  const lines: string[] = [];
  const code = await runCli(argv, { ZENOVAY_DATA_DIR: dataDir }, (text) => lines.push(text));
  assert.equal(code, 0, lines.join('\n'));
  return lines.join('\n');
}

test('keys create/list/revoke through the running server’s admin socket take effect at once', async () => {
  const server = await startTestServer();
  const admin = await startAdminServer(server.runtime, createLogger('silent'));
  try {
    const siteA = await addSite(server, 'a.example');
    const siteB = await addSite(server, 'b.example');

    const created = JSON.parse(
      await cli(server.dataDir, 'keys', 'create', '--site', siteA.id, '--name', 'CI', '--json'),
    );
    assert.match(created.key, /^zv_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.prefix, created.key.slice(0, 11));
    assert.equal(created.site_id, siteA.id);
    assert.deepEqual(created.permissions, ['read']);
    assert.equal(created.name, 'CI');

    const both = JSON.parse(await cli(server.dataDir, 'keys', 'create', '--scope', 'ingest,read', '--json'));
    assert.deepEqual(both.permissions, ['read', 'ingest']);
    assert.equal(both.site_id, null);

    const text = await cli(server.dataDir, 'keys', 'create', '--scope', 'ingest');
    assert.match(text, /shown only once/);
    assert.match(text, /zv_[A-Za-z0-9_-]{43}/);

    assertApiOk(await apiGet(server, `/websites/${siteA.id}`, created.key));
    assertApiError(await apiGet(server, `/websites/${siteB.id}`, created.key), 404, 'NOT_FOUND');

    const listed = JSON.parse(await cli(server.dataDir, 'keys', 'list', '--json'));
    assert.equal(listed.length, 3);
    assert.ok(!JSON.stringify(listed).includes(created.key), 'the full key is never shown again');
    assert.ok(!JSON.stringify(listed).includes('hash'), 'nor its hash');
    assert.equal(listed[0].prefix, created.prefix);
    assert.equal(listed[0].revoked_at, null);

    const revoked = JSON.parse(await cli(server.dataDir, 'keys', 'revoke', created.prefix, '--json'));
    assert.deepEqual(revoked, { prefix: created.prefix, revoked: true });
    assertApiError(await apiGet(server, `/websites/${siteA.id}`, created.key), 401, 'UNAUTHORIZED');
    assert.match(await cli(server.dataDir, 'keys', 'list'), new RegExp(`${created.prefix}… .*revoked 20`));

    await assert.rejects(
      runCli(['keys', 'revoke', created.prefix], { ZENOVAY_DATA_DIR: server.dataDir }, () => undefined),
      /no active key has prefix/,
    );
    await assert.rejects(
      runCli(['keys', 'create', '--site', 'nope'], { ZENOVAY_DATA_DIR: server.dataDir }, () => undefined),
      /no site has id "nope"/,
    );
    await assert.rejects(
      runCli(['keys', 'create', '--scope', 'admin'], { ZENOVAY_DATA_DIR: server.dataDir }, () => undefined),
      /unknown permission "admin"/,
    );
  } finally {
    await admin.close();
    await server.stop();
  }
});

test('the zenovay command manages keys on the file directly when no server runs', async () => {
  const dataDir = tempDataDir();
  const run = async (...argv: string[]) =>
    (
      await promisify(execFile)(process.execPath, [bin, ...argv], {
        env: { ...process.env, ZENOVAY_DATA_DIR: dataDir },
      })
    ).stdout;
  const site = JSON.parse(await run('sites', 'add', 'direct.example', '--json'));
  const created = JSON.parse(await run('keys', 'create', '--site', site.id, '--json'));
  assert.equal(created.site_id, site.id);
  const listed = JSON.parse(await run('keys', 'list', '--json'));
  assert.deepEqual(
    listed.map((key: { prefix: string }) => key.prefix),
    [created.prefix],
  );

  // The key made offline works once the server starts on the same file.
  const server = await startTestServer({ dataDir });
  try {
    assertApiOk(await apiGet(server, `/websites/${site.id}`, created.key));
  } finally {
    await server.stop();
  }
  await run('keys', 'revoke', created.prefix);
  const again = await startTestServer({ dataDir });
  try {
    assertApiError(await apiGet(again, `/websites/${site.id}`, created.key), 401, 'UNAUTHORIZED');
  } finally {
    await again.stop();
  }
});
