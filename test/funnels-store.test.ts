import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Funnel, FunnelStore } from '../packages/server/src/funnels/types.ts';
import { DuckDbFunnelStore } from '../packages/server/src/store/duckdb/funnel-store.ts';
import { DuckDbMetadataStore } from '../packages/server/src/store/duckdb/metadata-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import { PostgresMetadataStore } from '../packages/server/src/store/postgres/metadata-store.ts';
import type { MetadataStore, Site } from '../packages/server/src/store/types.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import { tempDataDir } from './support/test-server.ts';

// The FunnelStore contract: the embedded (DuckDB, migration 12) and the PostgreSQL (005) store
// keep the same funnels, refuse a second name per site, and lose a site's funnels with the site.

type Factory = () => Promise<{ store: FunnelStore; metadata: MetadataStore; dispose: () => Promise<void> }>;

const site = (n: number): Site => ({
  id: `site-${n}`,
  domain: `example${n}.com`,
  name: `Example ${n}`,
  trackingCode: `zv_code_${n}`,
  timezone: 'UTC',
  createdAt: '2026-03-10T12:00:00.000Z',
});

const checkout: Funnel = {
  id: 'f_checkout00000001',
  siteId: 'site-1',
  name: 'Checkout',
  steps: [
    { kind: 'page', pagePath: '/pricing/*', label: 'Pricing' },
    { kind: 'event', eventName: 'signup', properties: [{ key: 'plan', value: 'pro' }], label: null },
    { kind: 'goal', goalId: 'g_purchase', label: null },
  ],
  windowMs: 7 * 86_400_000,
  order: 'strict',
  createdAt: '2026-03-10T12:00:01.250Z',
};

function funnelContract(name: string, factory: Factory, skip?: string) {
  describe(`FunnelStore contract: ${name}`, { skip }, () => {
    let store: FunnelStore;
    let metadata: MetadataStore;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ store, metadata, dispose } = await factory());
      for (const n of [1, 2]) await metadata.createSite(site(n));
    });
    after(async () => dispose?.());

    test('stores and lists funnels whole, oldest first; one name per site', async () => {
      const older = {
        ...checkout,
        id: 'f_older00000000001',
        name: 'Older',
        createdAt: '2026-03-10T12:00:00.500Z',
      };
      assert.equal(await store.createFunnel(checkout), true);
      assert.equal(await store.createFunnel(older), true);
      assert.deepEqual(await store.listFunnels('site-1'), [older, checkout]);
      assert.equal(await store.createFunnel({ ...checkout, id: 'f_again00000000001' }), false);
      assert.equal(
        await store.createFunnel({ ...checkout, id: 'f_other00000000001', siteId: 'site-2' }),
        true,
      );
      assert.equal((await store.listFunnels('site-1')).length, 2);
    });

    test('deletes by site and id; a site takes its funnels with it', async () => {
      assert.equal(await store.deleteFunnel('site-2', checkout.id), false, 'not that site’s funnel');
      assert.equal(await store.deleteFunnel('site-1', 'f_older00000000001'), true);
      assert.deepEqual(await store.listFunnels('site-1'), [checkout]);
      assert.equal(await metadata.deleteSite('site-2'), true);
      assert.deepEqual(await store.listFunnels('site-2'), []);
    });
  });
}

funnelContract('DuckDB (embedded)', async () => {
  const dir = tempDataDir();
  const instance = await openDuckDb(dir);
  const metadata = await DuckDbMetadataStore.open(instance);
  const store = await DuckDbFunnelStore.open(instance);
  return {
    store,
    metadata,
    dispose: async () => {
      store.close();
      metadata.close();
      instance.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

let postgres: RunningService | undefined;
after(async () => postgres?.destroy());

funnelContract(
  'PostgreSQL',
  async () => {
    postgres = await startService('postgres');
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE funnels_contract');
    await admin.end();
    const metadata = await PostgresMetadataStore.open(
      postgres.url.replace(/\/postgres$/, '/funnels_contract'),
    );
    return { store: metadata.funnelStore(), metadata, dispose: () => metadata.close() };
  },
  missingService('postgres'),
);
