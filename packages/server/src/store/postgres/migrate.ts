import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';

const migrationsDir = path.join(import.meta.dirname, 'migrations');

/** `NNN_name.sql` files of this folder, in version order. Append new files; never edit an applied one. */
export function migrationFiles(): Array<{ version: number; file: string }> {
  return fs
    .readdirSync(migrationsDir)
    .filter((name) => /^\d{3}_[a-z0-9_]+\.sql$/.test(name))
    .map((name) => ({ version: Number(name.slice(0, 3)), file: path.join(migrationsDir, name) }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies pending migrations, each in its own transaction with its version recorded in
 * `schema_migrations`. An advisory lock serialises nodes that start at the same moment, so each
 * step runs once however many nodes race to it.
 */
export async function migratePostgres(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(727001)');
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)',
    );
    const { rows } = await client.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    const current = Number(rows[0]?.v ?? 0);
    let applied = current;
    for (const step of migrationFiles()) {
      if (step.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(fs.readFileSync(step.file, 'utf8'));
        await client.query('INSERT INTO schema_migrations VALUES ($1, now())', [step.version]);
        await client.query('COMMIT');
        applied = step.version;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock(727001)').catch(() => undefined);
    client.release();
  }
}
