import type pg from 'pg';
import { definitionText, funnelFromRow } from '../../funnels/funnel-row.ts';
import type { Funnel, FunnelStore } from '../../funnels/types.ts';

/** 23505: unique_violation, here only UNIQUE (site_id, name) (the id is random). */
const uniqueViolation = '23505';

/**
 * Saved funnels in PostgreSQL, shared by every node (migration 005). The database enforces
 * unique names per site, and a site's funnels go with it.
 */
export class PostgresFunnelStore implements FunnelStore {
  constructor(private readonly pool: pg.Pool) {}

  async listFunnels(siteId: string): Promise<Funnel[]> {
    const { rows } = await this.pool.query(
      `SELECT id, site_id, name, definition,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
       FROM funnels WHERE site_id = $1 ORDER BY funnels.created_at, id`,
      [siteId],
    );
    return rows.map(funnelFromRow);
  }

  async createFunnel(funnel: Funnel): Promise<boolean> {
    try {
      await this.pool.query(
        'INSERT INTO funnels (id, site_id, name, definition, created_at) VALUES ($1, $2, $3, $4, $5)',
        [funnel.id, funnel.siteId, funnel.name, definitionText(funnel), funnel.createdAt],
      );
      return true;
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === uniqueViolation) return false;
      throw error;
    }
  }

  async deleteFunnel(siteId: string, funnelId: string): Promise<boolean> {
    const result = await this.pool.query('DELETE FROM funnels WHERE site_id = $1 AND id = $2', [
      siteId,
      funnelId,
    ]);
    return (result.rowCount ?? 0) > 0;
  }
}
