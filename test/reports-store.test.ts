import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { ReportStore, ReportSubscription } from '../packages/server/src/reports/types.ts';
import { DuckDbMetadataStore } from '../packages/server/src/store/duckdb/metadata-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import { DuckDbReportStore } from '../packages/server/src/store/duckdb/report-store.ts';
import { PostgresMetadataStore } from '../packages/server/src/store/postgres/metadata-store.ts';
import type { MetadataStore, Site } from '../packages/server/src/store/types.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import { tempDataDir } from './support/test-server.ts';

// The ReportStore contract: the embedded (DuckDB, migration 16) and the PostgreSQL (008) store
// keep one subscription per site, address and frequency, unsubscribe by token, and claim each
// send for exactly one caller — also when several nodes claim at the same moment — until it is
// sent, its lease runs out, or its attempts are used up.

type Factory = () => Promise<{ store: ReportStore; metadata: MetadataStore; dispose: () => Promise<void> }>;

const site = (n: number): Site => ({
  id: `site-${n}`,
  domain: `example${n}.com`,
  name: `Example ${n}`,
  trackingCode: `zv_code_${n}`,
  timezone: 'UTC',
  createdAt: '2026-03-10T12:00:00.000Z',
});

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

function reportContract(name: string, factory: Factory, skip?: string) {
  describe(`ReportStore contract: ${name}`, { skip }, () => {
    let store: ReportStore;
    let metadata: MetadataStore;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ store, metadata, dispose } = await factory());
      for (const n of [1, 2]) await metadata.createSite(site(n));
    });
    after(async () => dispose?.());

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
  });
}

reportContract('DuckDB (embedded)', async () => {
  const dir = tempDataDir();
  const instance = await openDuckDb(dir);
  const metadata = await DuckDbMetadataStore.open(instance);
  const store = await DuckDbReportStore.open(instance);
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

reportContract(
  'PostgreSQL',
  async () => {
    postgres = await startService('postgres');
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE reports_contract');
    await admin.end();
    const metadata = await PostgresMetadataStore.open(
      postgres.url.replace(/\/postgres$/, '/reports_contract'),
    );
    return { store: metadata.reportStore(), metadata, dispose: () => metadata.close() };
  },
  missingService('postgres'),
);
