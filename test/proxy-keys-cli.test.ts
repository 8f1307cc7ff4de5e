import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAdminServer } from '../packages/server/src/admin/admin-server.ts';
import { runCli } from '../packages/server/src/cli/main.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { DuckDbMetadataStore } from '../packages/server/src/store/duckdb/metadata-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import type { Site } from '../packages/server/src/store/types.ts';
import { trackerEvent, usVisitor } from './proxy-helpers.ts';
import { send } from './support/http-from.ts';
import { addSite, startTestServer, type TestServer, tempDataDir } from './support/test-server.ts';

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

function postWithKey(server: TestServer, site: Site, key: string) {
  return send(server.port, {
    path: `/e/${site.trackingCode}`,
    body: trackerEvent(site).body,
    headers: { 'content-type': 'text/plain', 'x-zenovay-proxy-key': key, 'x-forwarded-for': usVisitor },
  });
}

test('proxy-keys create/list/revoke on the data directory when no server runs; stored hashed', async () => {
  const dataDir = tempDataDir();
  const site = JSON.parse((await cli(dataDir, 'sites', 'add', 'shop.example', '--json')).text);

  const created = await cliJson(dataDir, 'proxy-keys', 'create', '--site', site.id, '--name', 'edge');
  assert.match(created.key, /^zvp_[A-Za-z0-9_-]{43}$/);
  assert.equal(created.prefix, created.key.slice(0, 12));
  assert.equal(created.site_id, site.id);
  assert.equal(created.name, 'edge');
  const text = await cli(dataDir, 'proxy-keys', 'create', '--site', site.id);
  assert.equal(text.code, 0);
  assert.match(text.text, /shown only once/);

  const listed = await cliJson(dataDir, 'proxy-keys', 'list');
  assert.equal(listed.length, 2);
  assert.ok(!JSON.stringify(listed).includes(created.key), 'the key is never shown again');
  assert.deepEqual(await cliJson(dataDir, 'proxy-keys', 'list', '--site', 'nope'), []);

  assert.deepEqual(await cliJson(dataDir, 'proxy-keys', 'revoke', created.prefix), {
    prefix: created.prefix,
    revoked: true,
  });
  assert.match(
    (await cli(dataDir, 'proxy-keys', 'list')).text,
    new RegExp(`${created.prefix}… .*revoked 20`),
  );
  await assert.rejects(cli(dataDir, 'proxy-keys', 'revoke', created.prefix), /no active proxy key/);
  await assert.rejects(cli(dataDir, 'proxy-keys', 'create', '--site', 'missing'), /no site has id "missing"/);
  await assert.rejects(cli(dataDir, 'proxy-keys', 'create'), /needs --site/);

  // Only the SHA-256 is in the file.
  const instance = await openDuckDb(dataDir);
  const store = await DuckDbMetadataStore.open(instance);
  try {
    const stored = await store.listProxyKeys();
    assert.ok(!JSON.stringify(stored).includes(created.key));
    assert.match(stored[0]!.keyHash, /^[0-9a-f]{64}$/);
  } finally {
    store.close();
    instance.closeSync();
  }
});

test('through the running server’s admin socket, a new key works and a revoked one fails at once', async () => {
  const server = await startTestServer();
  const admin = await startAdminServer(server.runtime, createLogger('silent'));
  try {
    const site = await addSite(server, 'shop.example');
    const created = await cliJson(server.dataDir, 'proxy-keys', 'create', '--site', site.id);
    assert.equal((await postWithKey(server, site, created.key)).status, 202);
    await cliJson(server.dataDir, 'proxy-keys', 'revoke', created.prefix);
    const refused = await postWithKey(server, site, created.key);
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'INVALID_PROXY_KEY');
    await assert.rejects(cli(server.dataDir, 'proxy-keys', 'revoke', created.prefix), /no active proxy key/);
  } finally {
    await admin.close();
    await server.stop();
  }
});

test('keys made while the server was down are known when it starts', async () => {
  const dataDir = tempDataDir();
  const site = JSON.parse((await cli(dataDir, 'sites', 'add', 'shop.example', '--json')).text);
  const created = await cliJson(dataDir, 'proxy-keys', 'create', '--site', site.id);
  const server = await startTestServer({ dataDir });
  try {
    const known = (await server.runtime.sites.list()).find((item) => item.id === site.id);
    assert.ok(known);
    assert.equal((await postWithKey(server, known, created.key)).status, 202);
  } finally {
    await server.stop();
  }
});
