import fs from 'node:fs';
import { after } from 'node:test';
import pg from 'pg';
import { DuckDbGoalStore } from '../packages/server/src/store/duckdb/goal-store.ts';
import { DuckDbMetadataStore } from '../packages/server/src/store/duckdb/metadata-store.ts';
import { openDuckDb } from '../packages/server/src/store/duckdb/open.ts';
import { PostgresMetadataStore } from '../packages/server/src/store/postgres/metadata-store.ts';
import { goalContract } from './support/goal-contract.ts';
import { missingService, type RunningService, startService } from './support/services.ts';
import { tempDataDir } from './support/test-server.ts';

goalContract('DuckDB (embedded)', async () => {
  const dir = tempDataDir();
  const instance = await openDuckDb(dir);
  const metadata = await DuckDbMetadataStore.open(instance);
  const store = await DuckDbGoalStore.open(instance);
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

goalContract(
  'PostgreSQL',
  async () => {
    postgres = await startService('postgres');
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query('CREATE DATABASE goals_contract');
    await admin.end();
    const metadata = await PostgresMetadataStore.open(postgres.url.replace(/\/postgres$/, '/goals_contract'));
    return { store: metadata.goalStore(), metadata, dispose: () => metadata.close() };
  },
  missingService('postgres'),
);
