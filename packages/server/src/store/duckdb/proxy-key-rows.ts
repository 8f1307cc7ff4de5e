import type { DuckDBConnection } from '@duckdb/node-api';
import type { ProxyKeyRecord } from '../types.ts';

/**
 * The `proxy_keys` table's SQL, called by `DuckDbMetadataStore` inside its serial queue (one
 * statement at a time on its connection).
 */
export async function insertProxyKey(connection: DuckDBConnection, key: ProxyKeyRecord): Promise<void> {
  await connection.run(
    `INSERT INTO proxy_keys (prefix, key_hash, site_id, name, created_at, revoked_at)
     VALUES ($1, $2, $3, $4, CAST($5 AS TIMESTAMP), NULL)`,
    [key.prefix, key.keyHash, key.siteId, key.name, key.createdAt.replace('Z', '')],
  );
}

export async function selectProxyKeys(connection: DuckDBConnection): Promise<ProxyKeyRecord[]> {
  const reader = await connection.runAndReadAll(
    `SELECT prefix, key_hash, site_id, name,
       strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at,
       strftime(revoked_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS revoked_at
     FROM proxy_keys ORDER BY created_at, prefix`,
  );
  return reader.getRowObjectsJS().map((row) => ({
    prefix: String(row.prefix),
    keyHash: String(row.key_hash),
    siteId: String(row.site_id),
    name: String(row.name),
    createdAt: String(row.created_at),
    revokedAt: row.revoked_at === null ? null : String(row.revoked_at),
  }));
}

export async function markProxyKeyRevoked(
  connection: DuckDBConnection,
  prefix: string,
  revokedAt: string,
): Promise<boolean> {
  const reader = await connection.runAndReadAll(
    `UPDATE proxy_keys SET revoked_at = CAST($2 AS TIMESTAMP)
     WHERE prefix = $1 AND revoked_at IS NULL RETURNING prefix`,
    [prefix, revokedAt.replace('Z', '')],
  );
  return reader.getRowObjectsJS().length > 0;
}
