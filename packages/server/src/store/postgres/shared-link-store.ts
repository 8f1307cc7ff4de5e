import type pg from 'pg';
import { panelsText, sharedLinkFromRow } from '../../sharing/link-row.ts';
import type { SharedLinkRecord, SharedLinkStore } from '../../sharing/types.ts';

const linkSelect = `SELECT id, site_id, name, token_hash, password_hash, panels,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at FROM shared_links`;

/**
 * Shared links and public sites in PostgreSQL (migration 006), shared by every node: a link
 * revoked on one node is gone for all of them from the next request.
 */
export class PostgresSharedLinkStore implements SharedLinkStore {
  constructor(private readonly pool: pg.Pool) {}

  async createSharedLink(link: SharedLinkRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO shared_links (id, site_id, name, token_hash, password_hash, panels, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [link.id, link.siteId, link.name, link.tokenHash, link.passwordHash, panelsText(link), link.createdAt],
    );
  }

  async listSharedLinks(siteId: string): Promise<SharedLinkRecord[]> {
    const { rows } = await this.pool.query(
      `${linkSelect} WHERE site_id = $1 ORDER BY shared_links.created_at, id`,
      [siteId],
    );
    return rows.map(sharedLinkFromRow);
  }

  async sharedLinkByHash(tokenHash: string): Promise<SharedLinkRecord | undefined> {
    const { rows } = await this.pool.query(`${linkSelect} WHERE token_hash = $1`, [tokenHash]);
    return rows[0] ? sharedLinkFromRow(rows[0]) : undefined;
  }

  async deleteSharedLink(siteId: string, id: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM shared_links WHERE site_id = $1 AND id = $2', [
      siteId,
      id,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async setSitePublic(siteId: string, isPublic: boolean, at: string): Promise<void> {
    if (!isPublic) {
      await this.pool.query('DELETE FROM public_sites WHERE site_id = $1', [siteId]);
      return;
    }
    await this.pool.query(
      'INSERT INTO public_sites (site_id, made_public_at) VALUES ($1, $2) ON CONFLICT (site_id) DO NOTHING',
      [siteId, at],
    );
  }

  async isSitePublic(siteId: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM public_sites WHERE site_id = $1', [siteId]);
    return rows.length > 0;
  }
}
