import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { SharedLinkRecord, SharedLinkStore } from '../packages/server/src/sharing/types.ts';
import { DuckDbSharedLinkStore } from '../packages/server/src/store/duckdb/shared-link-store.ts';
import type { MetadataStore } from '../packages/server/src/store/types.ts';
import { describeOnBothMetadataStores, exampleSite } from './support/metadata-stores.ts';

// The SharedLinkStore contract: the embedded (DuckDB, migration 14) and the PostgreSQL (006)
// store keep the same links, find one by its token's hash only, forget a revoked link entirely,
// keep the public flag, and lose a site's links and flag with the site.

const investors: SharedLinkRecord = {
  id: 'sl_00000000000000a1',
  siteId: 'site-1',
  name: 'Investors',
  tokenHash: 'a'.repeat(64),
  passwordHash: 'scrypt$fake$hash',
  panels: ['sources', 'pages'],
  createdAt: '2026-03-10T12:00:01.250Z',
};
const wiki: SharedLinkRecord = {
  id: 'sl_00000000000000b2',
  siteId: 'site-1',
  name: 'Team wiki',
  tokenHash: 'b'.repeat(64),
  passwordHash: null,
  panels: null,
  createdAt: '2026-03-10T12:00:00.500Z',
};

describeOnBothMetadataStores<{ store: SharedLinkStore }>(
  'SharedLinkStore contract',
  {
    duckdb: async (instance) => ({ store: await DuckDbSharedLinkStore.open(instance) }),
    postgres: (metadata) => ({ store: metadata.sharedLinkStore() }),
    sites: [exampleSite(1), exampleSite(2)],
  },
  (opened) => {
    let store: SharedLinkStore;
    let metadata: MetadataStore;
    before(() => {
      ({ store, metadata } = opened());
    });

    test('stores links whole, lists them per site oldest first, finds one by hash', async () => {
      await store.createSharedLink(investors);
      await store.createSharedLink(wiki);
      await store.createSharedLink({
        ...wiki,
        id: 'sl_00000000000000c3',
        siteId: 'site-2',
        tokenHash: 'c'.repeat(64),
      });
      assert.deepEqual(await store.listSharedLinks('site-1'), [wiki, investors]);
      assert.deepEqual(await store.sharedLinkByHash('a'.repeat(64)), investors);
      assert.equal(await store.sharedLinkByHash('d'.repeat(64)), undefined);
    });

    test('a second link with the same token hash is refused', async () => {
      await assert.rejects(store.createSharedLink({ ...wiki, id: 'sl_00000000000000d4' }));
    });

    test('revoking deletes the link: by hash it is as unknown as one never made', async () => {
      assert.equal(await store.deleteSharedLink('site-2', investors.id), false, 'not that site’s link');
      assert.equal(await store.deleteSharedLink('site-1', investors.id), true);
      assert.equal(await store.sharedLinkByHash('a'.repeat(64)), undefined);
      assert.equal(await store.deleteSharedLink('site-1', investors.id), false, 'already gone');
      assert.deepEqual(await store.listSharedLinks('site-1'), [wiki]);
    });

    test('the public flag is kept, set twice harmlessly, and cleared', async () => {
      assert.equal(await store.isSitePublic('site-1'), false);
      await store.setSitePublic('site-1', true, '2026-03-10T12:00:00.000Z');
      await store.setSitePublic('site-1', true, '2026-03-10T12:00:05.000Z');
      assert.equal(await store.isSitePublic('site-1'), true);
      assert.equal(await store.isSitePublic('site-2'), false);
      await store.setSitePublic('site-1', false, '2026-03-10T12:00:06.000Z');
      assert.equal(await store.isSitePublic('site-1'), false);
    });

    test('a deleted site takes its links and its public flag with it', async () => {
      await store.setSitePublic('site-2', true, '2026-03-10T12:00:00.000Z');
      assert.equal(await metadata.deleteSite('site-2'), true);
      assert.deepEqual(await store.listSharedLinks('site-2'), []);
      assert.equal(await store.sharedLinkByHash('c'.repeat(64)), undefined);
      assert.equal(await store.isSitePublic('site-2'), false);
      assert.equal((await store.listSharedLinks('site-1')).length, 1, 'other sites keep theirs');
    });
  },
);
