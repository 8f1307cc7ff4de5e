import type { ApiKeyRecord, ApiPermission } from './types.ts';

/**
 * An API key from a row of `api_keys` as both metadata stores select it (times already as ISO
 * strings, permissions comma-separated).
 */
export function apiKeyFromRow(row: Record<string, unknown>): ApiKeyRecord {
  return {
    prefix: String(row.prefix),
    keyHash: String(row.key_hash),
    name: String(row.name),
    siteId: row.site_id === null ? null : String(row.site_id),
    permissions: String(row.permissions)
      .split(',')
      .filter((item) => item !== '') as ApiPermission[],
    createdAt: String(row.created_at),
    revokedAt: row.revoked_at === null ? null : String(row.revoked_at),
  };
}
