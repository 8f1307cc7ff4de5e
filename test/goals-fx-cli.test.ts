import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startAdminServer } from '../packages/server/src/admin/admin-server.ts';
import { runCli } from '../packages/server/src/cli/main.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { startTestServer, tempDataDir } from './support/test-server.ts';

// `zenovay goals …` and `zenovay fx import` behave the same on the data directory (no server) and
// through the running server's admin socket (which holds the DuckDB file).
const fixtures = path.join(import.meta.dirname, 'fixtures/fx');

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

/**
 * The same session of commands in either mode; `createdAt` is what the mode's clock says, `tick`
 * moves it on between two goals.
 */
async function goalSession(
  dataDir: string,
  siteId: string,
  createdAt: RegExp,
  tick: () => void = () => undefined,
): Promise<void> {
  const added = await cliJson(
    dataDir,
    ...['goals', 'add', '--site', siteId, '--event', 'purchase', '--prop', 'plan=pro', '--prop', 'tier=a=b'],
    ...['--currency', 'eur', '--name', 'Pro purchase'],
  );
  assert.match(added.id, /^g_[A-Za-z0-9_-]{16}$/);
  assert.match(added.created_at, createdAt);
  assert.deepEqual(added, {
    id: added.id,
    name: 'Pro purchase',
    type: 'event',
    event_name: 'purchase',
    page_path: null,
    properties: { plan: 'pro', tier: 'a=b' },
    currency: 'EUR',
    created_at: added.created_at,
  });
  tick(); // listed oldest first
  const page = await cli(dataDir, 'goals', 'add', '--site', siteId, '--page', '/docs/**');
  assert.equal(page.code, 0);
  assert.match(
    page.text,
    /^Goal added: \/docs\/\*\*\n {2}g_\S{16} {2}\/docs\/\*\* {2}\(page \/docs\/\*\*\)$/,
  );

  const listed = await cliJson(dataDir, 'goals', 'list', '--site', siteId);
  assert.deepEqual(
    listed.map((goal: { name: string }) => goal.name),
    ['Pro purchase', '/docs/**'],
  );
  const text = (await cli(dataDir, 'goals', 'list', '--site', siteId)).text;
  assert.match(
    text,
    new RegExp(
      `^${added.id} {2}Pro purchase {2}\\(event purchase {2}plan=pro {2}tier=a=b {2}revenue in EUR\\)`,
    ),
  );

  const renamed = await cliJson(dataDir, 'goals', 'rename', added.id, '--site', siteId, '--name', 'Pro plan');
  assert.equal(renamed.name, 'Pro plan');
  assert.deepEqual(await cliJson(dataDir, 'goals', 'delete', listed[1].id, '--site', siteId), {
    id: listed[1].id,
    deleted: true,
  });

  // Refusals name the flags the person typed; the codes underneath are the REST API's.
  await assert.rejects(
    cli(dataDir, 'goals', 'add', '--site', siteId, '--event', 'other', '--name', 'Pro plan'),
    /--name: this site already has a goal named "Pro plan"/,
  );
  await assert.rejects(
    cli(dataDir, 'goals', 'add', '--site', siteId, '--page', 'docs', '--currency', 'USD'),
    /--page: must start with "\/".*; --currency: only event goals can be revenue goals/,
  );
  await assert.rejects(cli(dataDir, 'goals', 'add', '--site', siteId), /needs --event NAME .* or --page/);
  await assert.rejects(
    cli(dataDir, 'goals', 'add', '--site', siteId, '--event', 'x', '--prop', 'plan'),
    /KEY=VALUE/,
  );
  await assert.rejects(cli(dataDir, 'goals', 'list', '--site', 'missing'), /no site has id "missing"/);
  await assert.rejects(
    cli(dataDir, 'goals', 'delete', 'g_nope', '--site', siteId),
    /has no goal with that id/,
  );
  await assert.rejects(cli(dataDir, 'goals', 'list'), /needs --site/);
  assert.deepEqual(
    (await cliJson(dataDir, 'goals', 'list', '--site', siteId)).map((goal: { name: string }) => goal.name),
    ['Pro plan'],
  );
}

const histSummary = {
  format: 'csv',
  published: 9,
  days: 11,
  currencies: 4,
  first_day: '2026-03-05',
  last_day: '2026-03-15',
  rows_written: 44,
  skipped_codes: ['CYP'],
  skipped_values: 1,
};

test('goals and fx import on the data directory when no server runs', async () => {
  const dataDir = tempDataDir();
  try {
    const site = JSON.parse((await cli(dataDir, 'sites', 'add', 'shop.example', '--json')).text);
    await goalSession(dataDir, site.id, /^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // A key that may change goals over the REST API.
    const key = await cliJson(dataDir, 'keys', 'create', '--site', site.id, '--scope', 'read,write');
    assert.deepEqual(key.permissions, ['read', 'write']);

    assert.deepEqual(
      await cliJson(dataDir, 'fx', 'import', path.join(fixtures, 'eurofxref-hist.csv')),
      histSummary,
    );
    const text = (await cli(dataDir, 'fx', 'import', path.join(fixtures, 'eurofxref-hist.xml'))).text;
    assert.match(text, /^Imported 4 published rates \(XML\)\n/);
    assert.match(text, /skipped codes: SIT \(2 values; not ISO 4217 codes in use\)/);
    const notEcb = path.join(dataDir, 'rates.json');
    fs.writeFileSync(notEcb, '{"USD": 1.08}');
    await assert.rejects(cli(dataDir, 'fx', 'import', notEcb), /not an ECB reference-rate file/);
    await assert.rejects(cli(dataDir, 'fx', 'import', path.join(dataDir, 'missing.csv')), /cannot read/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('goals and fx import through the running server’s admin socket', async () => {
  const server = await startTestServer();
  const admin = await startAdminServer(server.runtime, createLogger('silent'));
  try {
    const site = await server.runtime.sites.add('shop.example');
    await goalSession(server.dataDir, site.id, /^2026-03-10T12:00:00\.000Z$/, () =>
      server.clock.advance(1_000),
    );
    assert.deepEqual(
      (await server.runtime.goals.list(site.id)).map((goal) => goal.name),
      ['Pro plan'],
      'the server’s own store has the change',
    );

    assert.deepEqual(
      await cliJson(server.dataDir, 'fx', 'import', path.join(fixtures, 'eurofxref-hist.csv')),
      histSummary,
    );
    await server.runtime.eventsLoaded();
    const connection = await server.runtime.duckdb.connect();
    const reader = await connection.runAndReadAll(
      `SELECT per_eur, source_day FROM fx_rates WHERE day = '2026-03-08' AND currency = 'GBP'`,
    );
    connection.closeSync();
    assert.deepEqual(reader.getRowObjectsJS(), [{ per_eur: 0.8412, source_day: '2026-03-06' }]);
    const notEcb = path.join(server.dataDir, 'rates.txt');
    fs.writeFileSync(notEcb, 'hello');
    await assert.rejects(cli(server.dataDir, 'fx', 'import', notEcb), /not an ECB reference-rate file/);
  } finally {
    await admin.close();
    await server.stop();
  }
});
