import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { ErrorCode } from '../../errors.ts';
import { apiKeyFromRow } from '../api-key-row.ts';
import type {
  ApiKeyMonthlyCount,
  ApiKeyRecord,
  MetadataStore,
  ProxyKeyRecord,
  RefusalCount,
  Site,
} from '../types.ts';
import { addApiKeyRequestRows, selectApiKeyRequests } from './api-key-request-rows.ts';
import { insertProxyKey, markProxyKeyRevoked, selectProxyKeys } from './proxy-key-rows.ts';
import { SerialQueue } from './serial.ts';

/** Sites, salts and refusal counters in the same DuckDB file as the events. */
export interface MetadataStoreOptions {
  /**
   * Runs before a site's events are deleted: the append log's loader must have stored the site's
   * acknowledged events first, or it would load them after the delete.
   */
  beforeDeleteSite?: () => Promise<unknown>;
}

export class DuckDbMetadataStore implements MetadataStore {
  private readonly queue = new SerialQueue();

  private constructor(
    private readonly connection: DuckDBConnection,
    private readonly options: MetadataStoreOptions,
  ) {}

  static async open(
    instance: DuckDBInstance,
    options: MetadataStoreOptions = {},
  ): Promise<DuckDbMetadataStore> {
    return new DuckDbMetadataStore(await instance.connect(), options);
  }

  createSite(site: Site): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.run(
        `INSERT INTO sites (id, domain, name, tracking_code, timezone, created_at)
         VALUES ($1, $2, $3, $4, $5, CAST($6 AS TIMESTAMP))`,
        [site.id, site.domain, site.name, site.trackingCode, site.timezone, site.createdAt.replace('Z', '')],
      );
    });
  }

  listSites(): Promise<Site[]> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(
        `SELECT id, domain, name, tracking_code, timezone,
                strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at
         FROM sites ORDER BY created_at, id`,
      );
      return reader.getRowObjectsJS().map((row) => ({
        id: String(row.id),
        domain: String(row.domain),
        name: String(row.name),
        trackingCode: String(row.tracking_code),
        timezone: String(row.timezone),
        createdAt: String(row.created_at),
      }));
    });
  }

  saltForDay(day: string, create: () => string): Promise<string> {
    return this.queue.run(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const reader = await this.connection.runAndReadAll('SELECT salt FROM salts WHERE day = $1', [day]);
        let salt = reader.getRowObjectsJS()[0]?.salt as string | undefined;
        if (salt === undefined) {
          salt = create();
          await this.connection.run('INSERT INTO salts (day, salt) VALUES ($1, $2)', [day, salt]);
        }
        // Destroying other days' salts is what makes yesterday's visitor hashes irreversible.
        await this.connection.run('DELETE FROM salts WHERE day <> $1', [day]);
        await this.connection.run('COMMIT');
        return salt;
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  addRefusals(counts: readonly RefusalCount[]): Promise<void> {
    if (counts.length === 0) return Promise.resolve();
    return this.queue.run(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        for (const item of counts) {
          await this.connection.run(
            `INSERT INTO refusals (site_id, day, reason, count) VALUES ($1, $2, $3, $4)
             ON CONFLICT (site_id, day, reason) DO UPDATE SET count = refusals.count + excluded.count`,
            [item.siteId, item.day, item.reason, item.count],
          );
        }
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  refusals(fromDay: string, siteId?: string): Promise<RefusalCount[]> {
    return this.queue.run(async () => {
      const reader =
        siteId === undefined
          ? await this.connection.runAndReadAll(
              'SELECT site_id, day, reason, count FROM refusals WHERE day >= $1 ORDER BY day, site_id, reason',
              [fromDay],
            )
          : await this.connection.runAndReadAll(
              `SELECT site_id, day, reason, count FROM refusals
               WHERE day >= $1 AND site_id = $2 ORDER BY day, site_id, reason`,
              [fromDay, siteId],
            );
      return reader.getRowObjectsJS().map((row) => ({
        siteId: String(row.site_id),
        day: String(row.day),
        reason: String(row.reason) as ErrorCode,
        count: Number(row.count),
      }));
    });
  }

  deleteRefusalsBefore(day: string): Promise<number> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll('DELETE FROM refusals WHERE day < $1', [day]);
      return Number(reader.getRowsJS()[0]?.[0] ?? 0);
    });
  }

  createApiKey(key: ApiKeyRecord): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.run(
        `INSERT INTO api_keys (prefix, key_hash, name, site_id, permissions, created_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, CAST($6 AS TIMESTAMP), NULL)`,
        [
          key.prefix,
          key.keyHash,
          key.name,
          key.siteId,
          key.permissions.join(','),
          key.createdAt.replace('Z', ''),
        ],
      );
    });
  }

  listApiKeys(): Promise<ApiKeyRecord[]> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(`${apiKeySelect} ORDER BY created_at, prefix`);
      return reader.getRowObjectsJS().map(apiKeyFromRow);
    });
  }

  apiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(`${apiKeySelect} WHERE key_hash = $1`, [keyHash]);
      const row = reader.getRowObjectsJS()[0];
      return row === undefined ? undefined : apiKeyFromRow(row);
    });
  }

  revokeApiKey(prefix: string, revokedAt: string): Promise<boolean> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(
        `UPDATE api_keys SET revoked_at = CAST($2 AS TIMESTAMP)
         WHERE prefix = $1 AND revoked_at IS NULL RETURNING prefix`,
        [prefix, revokedAt.replace('Z', '')],
      );
      return reader.getRowObjectsJS().length > 0;
    });
  }

  createProxyKey(key: ProxyKeyRecord): Promise<void> {
    return this.queue.run(() => insertProxyKey(this.connection, key));
  }

  listProxyKeys(): Promise<ProxyKeyRecord[]> {
    return this.queue.run(() => selectProxyKeys(this.connection));
  }

  revokeProxyKey(prefix: string, revokedAt: string): Promise<boolean> {
    return this.queue.run(() => markProxyKeyRevoked(this.connection, prefix, revokedAt));
  }

  addApiKeyRequests(counts: readonly ApiKeyMonthlyCount[]): Promise<void> {
    if (counts.length === 0) return Promise.resolve();
    return this.queue.run(() => addApiKeyRequestRows(this.connection, counts));
  }

  apiKeyRequests(month: string): Promise<ApiKeyMonthlyCount[]> {
    return this.queue.run(() => selectApiKeyRequests(this.connection, month));
  }

  updateSite(id: string, changes: { domain: string; name: string; timezone: string }): Promise<boolean> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(
        'UPDATE sites SET domain = $2, name = $3, timezone = $4 WHERE id = $1 RETURNING id',
        [id, changes.domain, changes.name, changes.timezone],
      );
      return reader.getRowObjectsJS().length > 0;
    });
  }

  async deleteSite(id: string): Promise<boolean> {
    await this.options.beforeDeleteSite?.();
    return this.queue.run(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const reader = await this.connection.runAndReadAll('DELETE FROM sites WHERE id = $1 RETURNING id', [
          id,
        ]);
        await this.connection.run('DELETE FROM events WHERE site_id = $1', [id]);
        await this.connection.run('DELETE FROM visits WHERE site_id = $1', [id]);
        await this.connection.run('DELETE FROM engagement WHERE site_id = $1', [id]);
        await this.connection.run('DELETE FROM refusals WHERE site_id = $1', [id]);
        await this.connection.run('DELETE FROM proxy_keys WHERE site_id = $1', [id]);
        await this.connection.run('DELETE FROM goals WHERE site_id = $1', [id]);
        await this.connection.run('DELETE FROM funnels WHERE site_id = $1', [id]);
        await this.connection.run('DELETE FROM shared_links WHERE site_id = $1', [id]);
        await this.connection.run('DELETE FROM public_sites WHERE site_id = $1', [id]);
        await this.connection.run('DELETE FROM site_roles WHERE site_id = $1', [id]);
        await this.connection.run('DELETE FROM site_invites WHERE site_id = $1', [id]);
        await this.connection.run(
          'DELETE FROM report_sends WHERE subscription_id IN (SELECT id FROM report_subscriptions WHERE site_id = $1)',
          [id],
        );
        await this.connection.run('DELETE FROM report_subscriptions WHERE site_id = $1', [id]);
        await this.connection.run('COMMIT');
        return reader.getRowObjectsJS().length > 0;
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  close(): void {
    this.connection.closeSync();
  }
}

const apiKeySelect = `SELECT prefix, key_hash, name, site_id, permissions,
  strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at,
  strftime(revoked_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS revoked_at
  FROM api_keys`;
