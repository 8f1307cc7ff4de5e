import fs from 'node:fs';
import { after, before, describe } from 'node:test';
import type { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { DuckDbMetadataStore } from '../../packages/server/src/store/duckdb/metadata-store.ts';
import { openDuckDb } from '../../packages/server/src/store/duckdb/open.ts';
import { PostgresMetadataStore } from '../../packages/server/src/store/postgres/metadata-store.ts';
import type { MetadataStore, Site } from '../../packages/server/src/store/types.ts';
import { missingService, type RunningService, startService } from './services.ts';
import { tempDataDir } from './test-server.ts';

// Every store kept next to the sites (goals, funnels, shared links, members, reports) has one
// contract that the embedded DuckDB store and the PostgreSQL store of scale-out must both pass,
// unchanged. Opening the two, creating the sites their rows belong to and cleaning up afterwards
// is the same for all of them, so it lives here once; a contract file only says which stores it
// works on and what they must do.

/** A site `site-<n>` at `example<n>.com`, in UTC: the sites the store contracts file rows under. */
export function exampleSite(n: number, createdAt = '2026-03-10T12:00:00.000Z'): Site {
  return {
    id: `site-${n}`,
    domain: `example${n}.com`,
    name: `Example ${n}`,
    trackingCode: `zv_code_${n}`,
    timezone: 'UTC',
    createdAt,
  };
}

/** How a contract's stores are had from each database. */
export interface MetadataStoreOpeners<Stores extends object> {
  /**
   * The DuckDB stores, each opened on the freshly migrated file with its own connection; they are
   * closed in the order given, then the metadata store, then the file is closed and removed.
   */
  duckdb: (instance: DuckDBInstance) => Promise<{ [K in keyof Stores]: Stores[K] & { close(): void } }>;
  /** The same stores as the PostgreSQL metadata store hands them out (they close with it). */
  postgres: (metadata: PostgresMetadataStore) => Stores;
  /** Created through the metadata store before the first test. */
  sites: readonly Site[];
}

/** A contract's stores and the metadata store of the same database. */
export type OpenedStores<Stores extends object> = Stores & { metadata: MetadataStore };

/**
 * Describes `<contract>: DuckDB (embedded)` and `<contract>: PostgreSQL` (skipped where PostgreSQL
 * is not installed), registering `body`'s tests in each. Before the tests, the stores are opened —
 * DuckDB in a temporary data directory; PostgreSQL as a new database in a throwaway server of its
 * own — and the sites created; after them, both are closed and their data removed. `opened()`
 * gives the stores from a `before` hook or a test on.
 */
export function describeOnBothMetadataStores<Stores extends object>(
  contract: string,
  openers: MetadataStoreOpeners<Stores>,
  body: (opened: () => OpenedStores<Stores>) => void,
): void {
  describeOn(contract, 'DuckDB (embedded)', undefined, openers.sites, body, async (cleanups) => {
    const dir = tempDataDir();
    cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const instance = await openDuckDb(dir);
    cleanups.push(async () => instance.closeSync());
    const metadata = await DuckDbMetadataStore.open(instance);
    cleanups.push(async () => metadata.close());
    const stores = await openers.duckdb(instance);
    // Cleanups run last pushed first: push in reverse so the stores close in the order given.
    for (const store of Object.values<{ close(): void }>(stores).reverse()) {
      cleanups.push(async () => store.close());
    }
    return { ...stores, metadata };
  });

  describeOn(contract, 'PostgreSQL', missingService('postgres'), openers.sites, body, async (cleanups) => {
    const postgres: RunningService = await startService('postgres');
    cleanups.push(() => postgres.destroy());
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE store_contract');
    await admin.end();
    const metadata = await PostgresMetadataStore.open(postgres.url.replace(/\/postgres$/, '/store_contract'));
    cleanups.push(() => metadata.close());
    return { ...openers.postgres(metadata), metadata };
  });
}

function describeOn<Stores extends object>(
  contract: string,
  database: string,
  skip: string | undefined,
  sites: readonly Site[],
  body: (opened: () => OpenedStores<Stores>) => void,
  open: (cleanups: Array<() => Promise<void>>) => Promise<OpenedStores<Stores>>,
): void {
  describe(`${contract}: ${database}`, { skip }, () => {
    let stores: OpenedStores<Stores> | undefined;
    // Filled while opening, so that whatever was opened before a failure is still closed.
    const cleanups: Array<() => Promise<void>> = [];
    before(async () => {
      const opened = await open(cleanups);
      for (const site of sites) await opened.metadata.createSite(site);
      stores = opened;
    });
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });
    body(() => {
      if (!stores) throw new Error(`${contract}: ${database}: the stores are not open (yet)`);
      return stores;
    });
  });
}
