import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { migrate } from './migrations.ts';

export const databaseFileName = 'zenovay.duckdb';

/**
 * How much write-ahead log DuckDB gathers before it checkpoints it into the file (its default is
 * 16 MB). Each checkpoint recompresses the table's last, partly filled row group (up to 122,880
 * rows), so at 16 MB (~22,000 events) a row group was rewritten several times over: measured with
 * `node --import tsx bench/ingest/store-commit.ts 4000 150 "SET checkpoint_threshold='…'"`
 * (600,000 events, the loader's batch size at full load), 28.8 µs of CPU per event at 16 MB,
 * 19.1 at 128 MB, 18.7 at 256 MB. The price is paid only after a crash: a 128 MB log (736,000
 * events) is replayed in 2.7 s on the next start; a clean stop checkpoints.
 */
export const checkpointThreshold = '128MB';

/**
 * Opens (creating if needed) the one DuckDB file of the embedded mode and brings its schema up to
 * date. DuckDB allows one process per file: a second opener fails with a lock error, which the CLI
 * uses to decide to go through the running server instead.
 */
export async function openDuckDb(dataDir: string): Promise<DuckDBInstance> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const instance = await DuckDBInstance.create(path.join(dataDir, databaseFileName), {
    checkpoint_threshold: checkpointThreshold,
  });
  const connection = await instance.connect();
  try {
    await migrate(connection);
  } finally {
    connection.closeSync();
  }
  return instance;
}

/** True when an open failed because another process holds the file. */
export function isLockConflict(error: unknown): boolean {
  return error instanceof Error && /lock/i.test(error.message);
}
