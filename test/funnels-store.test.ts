import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Funnel, FunnelStore } from '../packages/server/src/funnels/types.ts';
import { DuckDbFunnelStore } from '../packages/server/src/store/duckdb/funnel-store.ts';
import type { MetadataStore } from '../packages/server/src/store/types.ts';
import { describeOnBothMetadataStores, exampleSite } from './support/metadata-stores.ts';

// The FunnelStore contract: the embedded (DuckDB, migration 12) and the PostgreSQL (005) store
// keep the same funnels, refuse a second name per site, and lose a site's funnels with the site.

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

describeOnBothMetadataStores<{ store: FunnelStore }>(
  'FunnelStore contract',
  {
    duckdb: async (instance) => ({ store: await DuckDbFunnelStore.open(instance) }),
    postgres: (metadata) => ({ store: metadata.funnelStore() }),
    sites: [exampleSite(1), exampleSite(2)],
  },
  (opened) => {
    let store: FunnelStore;
    let metadata: MetadataStore;
    before(() => {
      ({ store, metadata } = opened());
    });

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
  },
);
