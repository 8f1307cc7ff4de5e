import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { migrate } from './migrations.ts';

export const databaseFileName = 'zenovay.duckdb';

/**
 * Opens (creating if needed) the one DuckDB file of the embedded mode and brings its schema up to
 * date. DuckDB allows one process per file: a second opener fails with a lock error, which the CLI
 * uses to decide to go through the running server instead.
 */
export async function openDuckDb(dataDir: string): Promise<DuckDBInstance> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const instance = await DuckDBInstance.create(path.join(dataDir, databaseFileName));
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
