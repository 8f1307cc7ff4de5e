import pg from 'pg';
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
import { PostgresAccountStore } from './account-store.ts';
import { PostgresFunnelStore } from './funnel-store.ts';
import { PostgresGoalStore } from './goal-store.ts';
import { PostgresMemberStore } from './member-store.ts';
import { migratePostgres } from './migrate.ts';
import { PostgresReportStore } from './report-store.ts';
import { PostgresSharedLinkStore } from './shared-link-store.ts';

/** Formats a timestamptz column as the interface's ISO 8601 UTC string with milliseconds. */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export interface PostgresMetadataOptions {
  /**
   * Deletes a site's events where they live (the event store is another database in scale-out);
   * called by `deleteSite` before the site row goes.
   */
  deleteSiteEvents?: (siteId: string) => Promise<void>;
}

/** Sites, salts, refusal counters and keys in PostgreSQL, shared by every node. */
export class PostgresMetadataStore implements MetadataStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresMetadataOptions,
  ) {}

  static async open(url: string, options: PostgresMetadataOptions = {}): Promise<PostgresMetadataStore> {
    const pool = new pg.Pool({ connectionString: url, max: 5 });
    pool.on('error', () => undefined); // an idle client's error is reported again by the next query
    try {
      await migratePostgres(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresMetadataStore(pool, options);
  }

  async createSite(site: Site): Promise<void> {
    await this.pool.query(
      `INSERT INTO sites (id, domain, name, tracking_code, timezone, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [site.id, site.domain, site.name, site.trackingCode, site.timezone, site.createdAt],
    );
  }

  async listSites(): Promise<Site[]> {
    const { rows } = await this.pool.query(
      `SELECT id, domain, name, tracking_code, timezone, ${iso('created_at')} AS created_at
       FROM sites ORDER BY sites.created_at, id`,
    );
    return rows.map((row) => ({
      id: row.id,
      domain: row.domain,
      name: row.name,
      trackingCode: row.tracking_code,
      timezone: row.timezone,
      createdAt: row.created_at,
    }));
  }

  async saltForDay(day: string, create: () => string): Promise<string> {
    return this.transaction(async (client) => {
      const existing = await client.query('SELECT salt FROM salts WHERE day = $1', [day]);
      let salt = existing.rows[0]?.salt as string | undefined;
      if (salt === undefined) {
        // Insert-if-absent then read: two nodes creating the first salt of a day agree on one.
        await client.query('INSERT INTO salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING', [
          day,
          create(),
        ]);
        salt = (await client.query('SELECT salt FROM salts WHERE day = $1', [day])).rows[0].salt as string;
      }
      // Destroying other days' salts is what makes yesterday's visitor hashes irreversible.
      await client.query('DELETE FROM salts WHERE day <> $1', [day]);
      return salt;
    });
  }

  async addRefusals(counts: readonly RefusalCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.transaction(async (client) => {
      for (const item of counts) {
        await client.query(
          `INSERT INTO refusals (site_id, day, reason, count) VALUES ($1, $2, $3, $4)
           ON CONFLICT (site_id, day, reason) DO UPDATE SET count = refusals.count + excluded.count`,
          [item.siteId, item.day, item.reason, item.count],
        );
      }
    });
  }

  async refusals(fromDay: string, siteId?: string): Promise<RefusalCount[]> {
    const { rows } = await this.pool.query(
      `SELECT site_id, day, reason, count FROM refusals
       WHERE day >= $1 AND ($2::text IS NULL OR site_id = $2) ORDER BY day, site_id, reason`,
      [fromDay, siteId ?? null],
    );
    return rows.map((row) => ({
      siteId: row.site_id,
      day: row.day,
      reason: row.reason as ErrorCode,
      count: Number(row.count),
    }));
  }

  async deleteRefusalsBefore(day: string): Promise<number> {
    const result = await this.pool.query('DELETE FROM refusals WHERE day < $1', [day]);
    return result.rowCount ?? 0;
  }

  async updateSite(
    id: string,
    changes: { domain: string; name: string; timezone: string },
  ): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE sites SET domain = $2, name = $3, timezone = $4 WHERE id = $1',
      [id, changes.domain, changes.name, changes.timezone],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async deleteSite(id: string): Promise<boolean> {
    await this.options.deleteSiteEvents?.(id);
    return this.transaction(async (client) => {
      const result = await client.query('DELETE FROM sites WHERE id = $1', [id]);
      await client.query('DELETE FROM refusals WHERE site_id = $1', [id]);
      await client.query('DELETE FROM proxy_keys WHERE site_id = $1', [id]);
      return (result.rowCount ?? 0) > 0;
    });
  }

  async createApiKey(key: ApiKeyRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO api_keys (prefix, key_hash, name, site_id, permissions, created_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, NULL)`,
      [key.prefix, key.keyHash, key.name, key.siteId, key.permissions.join(','), key.createdAt],
    );
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    const { rows } = await this.pool.query(`${apiKeySelect} ORDER BY api_keys.created_at, prefix`);
    return rows.map(apiKeyFromRow);
  }

  async apiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { rows } = await this.pool.query(`${apiKeySelect} WHERE key_hash = $1`, [keyHash]);
    return rows[0] === undefined ? undefined : apiKeyFromRow(rows[0]);
  }

  async revokeApiKey(prefix: string, revokedAt: string): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE api_keys SET revoked_at = $2 WHERE prefix = $1 AND revoked_at IS NULL',
      [prefix, revokedAt],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async createProxyKey(key: ProxyKeyRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO proxy_keys (prefix, key_hash, site_id, name, created_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, NULL)`,
      [key.prefix, key.keyHash, key.siteId, key.name, key.createdAt],
    );
  }

  async listProxyKeys(): Promise<ProxyKeyRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT prefix, key_hash, site_id, name, ${iso('created_at')} AS created_at,
              ${iso('revoked_at')} AS revoked_at
       FROM proxy_keys ORDER BY proxy_keys.created_at, prefix`,
    );
    return rows.map((row) => ({
      prefix: row.prefix,
      keyHash: row.key_hash,
      siteId: row.site_id,
      name: row.name,
      createdAt: row.created_at,
      revokedAt: row.revoked_at ?? null,
    }));
  }

  async revokeProxyKey(prefix: string, revokedAt: string): Promise<boolean> {
    const result = await this.pool.query(
      'UPDATE proxy_keys SET revoked_at = $2 WHERE prefix = $1 AND revoked_at IS NULL',
      [prefix, revokedAt],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async addApiKeyRequests(counts: readonly ApiKeyMonthlyCount[]): Promise<void> {
    if (counts.length === 0) return;
    // Adds, never sets: nodes sharing this database each add their own counts.
    await this.transaction(async (client) => {
      for (const item of counts) {
        await client.query(
          `INSERT INTO api_key_requests (prefix, month, count) VALUES ($1, $2, $3)
           ON CONFLICT (prefix, month) DO UPDATE SET count = api_key_requests.count + excluded.count`,
          [item.prefix, item.month, item.count],
        );
      }
    });
  }

  async apiKeyRequests(month: string): Promise<ApiKeyMonthlyCount[]> {
    const { rows } = await this.pool.query(
      'SELECT prefix, month, count FROM api_key_requests WHERE month = $1 ORDER BY prefix',
      [month],
    );
    return rows.map((row) => ({ prefix: row.prefix, month: row.month, count: Number(row.count) }));
  }

  /** The dashboard's accounts on the same database and pool (closed with this store). */
  accountStore(): PostgresAccountStore {
    return new PostgresAccountStore(this.pool);
  }

  /** Goals on the same database and pool (closed with this store); a site's go with it (cascade). */
  goalStore(): PostgresGoalStore {
    return new PostgresGoalStore(this.pool);
  }

  /** Saved funnels on the same database and pool; a site's go with it (cascade). */
  funnelStore(): PostgresFunnelStore {
    return new PostgresFunnelStore(this.pool);
  }

  /** Site roles and invitations on the same database and pool; a site's go with it (cascade). */
  memberStore(): PostgresMemberStore {
    return new PostgresMemberStore(this.pool);
  }

  /** Email report subscriptions and sends on the same database and pool (cascade with the site). */
  reportStore(): PostgresReportStore {
    return new PostgresReportStore(this.pool);
  }

  /** Shared links and public sites on the same database and pool; a site's go with it (cascade). */
  sharedLinkStore(): PostgresSharedLinkStore {
    return new PostgresSharedLinkStore(this.pool);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

const apiKeySelect = `SELECT prefix, key_hash, name, site_id, permissions,
  ${iso('created_at')} AS created_at, ${iso('revoked_at')} AS revoked_at FROM api_keys`;
