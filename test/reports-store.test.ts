import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ReportStore, ReportSubscription } from '../packages/server/src/reports/types.ts';
import { DuckDbReportStore } from '../packages/server/src/store/duckdb/report-store.ts';
import type { MetadataStore } from '../packages/server/src/store/types.ts';
import { describeOnBothMetadataStores, exampleSite } from './support/metadata-stores.ts';

// The ReportStore contract: the embedded (DuckDB, migration 16) and the PostgreSQL (008) store
// keep one subscription per site, address and frequency, unsubscribe by token, and claim each
// send for exactly one caller — also when several nodes claim at the same moment — until it is
// sent, its lease runs out, or its attempts are used up.

const weekly: ReportSubscription = {
  id: 'rs_0000000000000001',
  siteId: 'site-1',
  email: 'owner@example.com',
  frequency: 'weekly',
  unsubscribeToken: 'u'.repeat(43),
  createdAt: '2026-03-10T12:00:00.000Z',
};
const key = { subscriptionId: weekly.id, periodStart: '2026-03-02' };
const t0 = Date.parse('2026-03-10T08:00:00Z');

describeOnBothMetadataStores<{ store: ReportStore }>(
  'ReportStore contract',
  {
    duckdb: async (instance) => ({ store: await DuckDbReportStore.open(instance) }),
    postgres: (metadata) => ({ store: metadata.reportStore() }),
    sites: [exampleSite(1), exampleSite(2)],
  },
  (opened) => {
    let store: ReportStore;
    let metadata: MetadataStore;
    before(() => {
      ({ store, metadata } = opened());
    });

    test('one subscription per site, address and frequency; listed per site or all', async () => {
      assert.equal(await store.createSubscription(weekly), true);
      assert.equal(
        await store.createSubscription({
          ...weekly,
          id: 'rs_0000000000000002',
          unsubscribeToken: 'v'.repeat(43),
        }),
        false,
      );
      const monthly = {
        ...weekly,
        id: 'rs_0000000000000003',
        frequency: 'monthly' as const,
        unsubscribeToken: 'w'.repeat(43),
        createdAt: '2026-03-10T12:00:01.000Z',
      };
      assert.equal(await store.createSubscription(monthly), true);
      const other = {
        ...weekly,
        id: 'rs_0000000000000004',
        siteId: 'site-2',
        unsubscribeToken: 'x'.repeat(43),
      };
      assert.equal(await store.createSubscription(other), true);
      assert.deepEqual(await store.listSubscriptions('site-1'), [weekly, monthly]);
      assert.equal((await store.listSubscriptions()).length, 3);
    });

    test('a send is claimed by one of many at once, then by nobody while its lease runs', async () => {
      const claims = await Promise.all(
        [1, 2, 3, 4, 5, 6].map(() => store.claimSend(key, t0, t0 + 600_000, 5)),
      );
      assert.deepEqual(claims.filter(Boolean).length, 1);
      assert.equal(await store.claimSend(key, t0 + 599_999, t0 + 1_200_000, 5), false);
      // The claimer crashed: its lease runs out and the send is claimed again.
      assert.equal(await store.claimSend(key, t0 + 600_000, t0 + 1_200_000, 5), true);
    });

    test('a failure counts and waits; after the last attempt nobody claims; a sent one never again', async () => {
      await store.markFailed(key, t0 + 2_000_000);
      assert.equal(await store.claimSend(key, t0 + 1_999_999, t0 + 3_000_000, 5), false);
      assert.equal(await store.claimSend(key, t0 + 2_000_000, t0 + 3_000_000, 2), true);
      await store.markFailed(key, t0 + 3_000_000);
      assert.equal(await store.claimSend(key, t0 + 9_000_000, t0 + 9_600_000, 2), false, '2 attempts used');
      const next = { subscriptionId: weekly.id, periodStart: '2026-03-09' };
      assert.equal(await store.claimSend(next, t0, t0 + 600_000, 5), true);
      await store.markSent(next, t0 + 1_000);
      assert.equal(await store.claimSend(next, t0 + 10_000_000, t0 + 10_600_000, 5), false);
    });

    test('unsubscribing by token deletes that subscription only, once', async () => {
      assert.deepEqual(await store.unsubscribe('u'.repeat(43)), weekly);
      assert.equal(await store.unsubscribe('u'.repeat(43)), undefined);
      assert.deepEqual(
        (await store.listSubscriptions('site-1')).map((s) => s.frequency),
        ['monthly'],
      );
    });

    test('removed by id within its site; a deleted site takes its subscriptions along', async () => {
      assert.equal(await store.deleteSubscription('site-2', 'rs_0000000000000003'), false);
      assert.equal(await store.deleteSubscription('site-1', 'rs_0000000000000003'), true);
      assert.equal(await metadata.deleteSite('site-2'), true);
      assert.deepEqual(await store.listSubscriptions(), []);
    });
  },
);
