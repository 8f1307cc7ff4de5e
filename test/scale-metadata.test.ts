import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { DuckDbAccountStore } from '../packages/server/src/accounts/duckdb-account-store.ts';
import { DuckDbMetadataStore } from '../packages/server/src/store/duckdb/metadata-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import { PostgresMetadataStore } from '../packages/server/src/store/postgres/metadata-store.ts';
import { migrationFiles } from '../packages/server/src/store/postgres/migrate.ts';
import type { MetadataStore, Site } from '../packages/server/src/store/types.ts';
import { accountContract } from './support/account-contract.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import { tempDataDir } from './support/test-server.ts';

/** A fresh, empty store and how to dispose of it. */
type StoreFactory = () => Promise<{ store: MetadataStore; dispose: () => Promise<void> }>;

const site = (n: number, createdAt: string): Site => ({
  id: `site-${n}`,
  domain: `example${n}.com`,
  name: `Example ${n}`,
  trackingCode: `zv_code_${n}`,
  timezone: 'Europe/Berlin',
  createdAt,
});

/** The MetadataStore contract: every implementation must pass these, unchanged. */
function metadataContract(name: string, factory: StoreFactory, skip?: string) {
  describe(`MetadataStore contract: ${name}`, { skip }, () => {
    let store: MetadataStore;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ store, dispose } = await factory());
    });
    after(async () => dispose?.());

    test('sites: create, list oldest first, update, unique tracking code', async () => {
      await store.createSite(site(2, '2026-03-10T12:00:01.250Z'));
      await store.createSite(site(1, '2026-03-10T12:00:00.000Z'));
      assert.deepEqual(await store.listSites(), [
        site(1, '2026-03-10T12:00:00.000Z'),
        site(2, '2026-03-10T12:00:01.250Z'),
      ]);
      await assert.rejects(
        store.createSite({ ...site(3, '2026-03-10T12:00:02.000Z'), trackingCode: 'zv_code_1' }),
      );
      assert.equal(
        await store.updateSite('site-2', { domain: 'new.example', name: 'N', timezone: 'UTC' }),
        true,
      );
      assert.equal(
        await store.updateSite('nope', { domain: 'x.example', name: 'N', timezone: 'UTC' }),
        false,
      );
      const updated = (await store.listSites()).find((s) => s.id === 'site-2');
      assert.deepEqual(updated, {
        ...site(2, '2026-03-10T12:00:01.250Z'),
        domain: 'new.example',
        name: 'N',
        timezone: 'UTC',
      });
    });

    test("salts: one per day, created once, other days' salts destroyed", async () => {
      let made = 0;
      const create = () => `salt-${++made}`;
      assert.equal(await store.saltForDay('2026-03-10', create), 'salt-1');
      assert.equal(await store.saltForDay('2026-03-10', create), 'salt-1');
      assert.equal(await store.saltForDay('2026-03-11', create), 'salt-2');
      const again = await store.saltForDay('2026-03-10', () => 'fresh');
      assert.equal(again, 'fresh', "the old day's salt is gone for good");
    });

    test('refusals: counts add up per site, day and reason; filtered by day and site', async () => {
      await store.addRefusals([
        { siteId: 'site-1', day: '2026-03-09', reason: 'RATE_LIMIT_EXCEEDED', count: 1 },
        { siteId: 'site-1', day: '2026-03-10', reason: 'RATE_LIMIT_EXCEEDED', count: 2 },
      ]);
      await store.addRefusals([
        { siteId: 'site-1', day: '2026-03-10', reason: 'RATE_LIMIT_EXCEEDED', count: 3 },
        { siteId: 'site-2', day: '2026-03-10', reason: 'RATE_LIMIT_EXCEEDED', count: 7 },
      ]);
      await store.addRefusals([]);
      assert.deepEqual(await store.refusals('2026-03-10'), [
        { siteId: 'site-1', day: '2026-03-10', reason: 'RATE_LIMIT_EXCEEDED', count: 5 },
        { siteId: 'site-2', day: '2026-03-10', reason: 'RATE_LIMIT_EXCEEDED', count: 7 },
      ]);
      assert.deepEqual(await store.refusals('2026-03-01', 'site-1'), [
        { siteId: 'site-1', day: '2026-03-09', reason: 'RATE_LIMIT_EXCEEDED', count: 1 },
        { siteId: 'site-1', day: '2026-03-10', reason: 'RATE_LIMIT_EXCEEDED', count: 5 },
      ]);
    });

    test('refusals: retention deletes the counters of days before a day, of every site', async () => {
      await store.addRefusals([{ siteId: 'site-2', day: '2026-03-08', reason: 'BOT_DETECTED', count: 1 }]);
      assert.equal(await store.deleteRefusalsBefore('2026-03-10'), 2);
      assert.deepEqual(
        (await store.refusals('2000-01-01')).map((item) => [item.siteId, item.day]),
        [
          ['site-1', '2026-03-10'],
          ['site-2', '2026-03-10'],
        ],
      );
      assert.equal(await store.deleteRefusalsBefore('2026-03-10'), 0);
    });

    test('API keys: create, find by hash, list, revoke once', async () => {
      const key = {
        prefix: 'zv_abcdefgh',
        keyHash: 'a'.repeat(64),
        name: 'CI key',
        siteId: null,
        permissions: ['read', 'ingest'] as const,
        createdAt: '2026-03-10T12:00:00.123Z',
        revokedAt: null,
      };
      await store.createApiKey(key);
      await store.createApiKey({
        ...key,
        prefix: 'zv_bbbbbbbb',
        keyHash: 'b'.repeat(64),
        siteId: 'site-1',
        permissions: ['read'],
        createdAt: '2026-03-10T12:00:01.000Z',
      });
      assert.deepEqual(await store.apiKeyByHash('a'.repeat(64)), { ...key, permissions: ['read', 'ingest'] });
      assert.equal(await store.apiKeyByHash('c'.repeat(64)), undefined);
      assert.deepEqual(
        (await store.listApiKeys()).map((k) => [k.prefix, k.siteId]),
        [
          ['zv_abcdefgh', null],
          ['zv_bbbbbbbb', 'site-1'],
        ],
      );
      assert.equal(await store.revokeApiKey('zv_abcdefgh', '2026-03-11T00:00:00.000Z'), true);
      assert.equal(await store.revokeApiKey('zv_abcdefgh', '2026-03-12T00:00:00.000Z'), false);
      assert.equal((await store.apiKeyByHash('a'.repeat(64)))?.revokedAt, '2026-03-11T00:00:00.000Z');
    });

    test('API key monthly request counters add up per key and month', async () => {
      assert.deepEqual(await store.apiKeyRequests('2026-03'), []);
      await store.addApiKeyRequests([
        { prefix: 'zv_abcdefgh', month: '2026-03', count: 2 },
        { prefix: 'zv_bbbbbbbb', month: '2026-03', count: 1 },
        { prefix: 'zv_abcdefgh', month: '2026-04', count: 9 },
      ]);
      await store.addApiKeyRequests([{ prefix: 'zv_abcdefgh', month: '2026-03', count: 3 }]);
      await store.addApiKeyRequests([]);
      assert.deepEqual(await store.apiKeyRequests('2026-03'), [
        { prefix: 'zv_abcdefgh', month: '2026-03', count: 5 },
        { prefix: 'zv_bbbbbbbb', month: '2026-03', count: 1 },
      ]);
      assert.deepEqual(await store.apiKeyRequests('2026-04'), [
        { prefix: 'zv_abcdefgh', month: '2026-04', count: 9 },
      ]);
    });

    test('proxy keys: create, list, revoke once; deleting a site removes its keys and refusals', async () => {
      const key = {
        prefix: 'zvp_12345678',
        keyHash: 'd'.repeat(64),
        siteId: 'site-2',
        name: 'edge',
        createdAt: '2026-03-10T12:00:00.000Z',
        revokedAt: null,
      };
      await store.createProxyKey(key);
      assert.deepEqual(await store.listProxyKeys(), [key]);
      assert.equal(await store.revokeProxyKey('zvp_12345678', '2026-03-10T13:00:00.000Z'), true);
      assert.equal(await store.revokeProxyKey('zvp_12345678', '2026-03-10T14:00:00.000Z'), false);
      assert.equal(await store.deleteSite('site-2'), true);
      assert.equal(await store.deleteSite('site-2'), false);
      assert.deepEqual(
        (await store.listSites()).map((s) => s.id),
        ['site-1'],
      );
      assert.deepEqual(await store.listProxyKeys(), []);
      assert.deepEqual(await store.refusals('2026-03-10', 'site-2'), []);
    });
  });
}

metadataContract('DuckDB (embedded)', async () => {
  const dir = tempDataDir();
  const instance = await openDuckDb(dir);
  const store = await DuckDbMetadataStore.open(instance);
  return {
    store,
    dispose: async () => {
      store.close();
      instance.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

const pgSkip = missingService('postgres');
let postgres: RunningService | undefined;
let databases = 0;

/** A new database per store on one server started for this file. */
async function freshDatabase(): Promise<string> {
  postgres ??= await startService('postgres');
  const name = `contract_${++databases}`;
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return postgres.url.replace(/\/postgres$/, `/${name}`);
}

after(async () => postgres?.destroy());

metadataContract(
  'PostgreSQL',
  async () => {
    const store = await PostgresMetadataStore.open(await freshDatabase());
    return { store, dispose: () => store.close() };
  },
  pgSkip,
);

accountContract('DuckDB (embedded)', async () => {
  const dir = tempDataDir();
  const instance = await openDuckDb(dir);
  const store = await DuckDbAccountStore.open(instance);
  return {
    store,
    dispose: async () => {
      store.close();
      instance.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

accountContract(
  'PostgreSQL',
  async () => {
    const metadata = await PostgresMetadataStore.open(await freshDatabase());
    return { store: metadata.accountStore(), dispose: () => metadata.close() };
  },
  pgSkip,
);

describe('PostgreSQL migrations', { skip: pgSkip }, () => {
  test('nodes starting together apply each version once, and a restart applies nothing', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => PostgresMetadataStore.open(url)));
    await Promise.all(stores.map((store) => store.close()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version');
    await client.end();
    assert.deepEqual(
      rows.map((row) => row.version),
      migrationFiles().map((step) => step.version),
    );
    const reopened = await PostgresMetadataStore.open(url);
    assert.equal((await reopened.listSites()).length, 0);
    await reopened.close();
  });
});
