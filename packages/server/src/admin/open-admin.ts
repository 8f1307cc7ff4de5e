import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { databaseFileName, isLockConflict } from '../store/duckdb/open.ts';
import { adminSocketAlive, socketAdminOps } from './admin-client.ts';
import type { AdminOps } from './admin-ops.ts';
import { directAdminOps } from './direct-ops.ts';

/**
 * Opens the admin operations of a data directory and says which data it reached, so the CLI
 * never answers "No sites yet" about a database it has just made up in the wrong directory.
 */

export interface OpenedAdmin {
  readonly ops: AdminOps;
  /** Where the data lives, for messages: "the server running on /srv/zenovay/data", a file path… */
  readonly where: string;
  /** Set when this call created the DuckDB file (only commands that create things may). */
  readonly createdDatabase: string | null;
}

/** No server on the data directory and no database in it, for a command that only reads. */
export class NoDataError extends Error {
  constructor(readonly dataDir: string) {
    super(
      `no Zenovay data in ${dataDir}: no server is running there (no admin socket) and it holds no ` +
        `database (${databaseFileName}). Point the CLI at the server's data directory with ` +
        `--data-dir DIR or ZENOVAY_DATA_DIR=DIR (the server's default is ./data in the directory it ` +
        'was started from).',
    );
  }
}

/**
 * Through the running server when there is one (it owns the DuckDB file), else the configured
 * stores themselves (the DuckDB file, or PostgreSQL and ClickHouse in scale-out). A missing DuckDB
 * file is created only when `mayCreate` (the command adds something); otherwise `NoDataError`.
 */
export async function openAdmin(config: Config, mayCreate: boolean): Promise<OpenedAdmin> {
  const { dataDir } = config;
  if (await adminSocketAlive(dataDir)) {
    return { ops: socketAdminOps(dataDir), where: `the server running on ${dataDir}`, createdDatabase: null };
  }
  const scaleOut = config.scale.clickhouseUrl !== null && config.scale.databaseUrl !== null;
  const file = path.join(dataDir, databaseFileName);
  const existed = scaleOut || fs.existsSync(file);
  if (!existed && !mayCreate) throw new NoDataError(dataDir);
  try {
    const ops = await directAdminOps(config);
    return {
      ops,
      where: scaleOut ? 'PostgreSQL (DATABASE_URL)' : file,
      createdDatabase: existed ? null : file,
    };
  } catch (error) {
    if (isLockConflict(error)) {
      throw new Error(`another process holds ${file}; is a server running without its admin socket?`);
    }
    throw error;
  }
}
