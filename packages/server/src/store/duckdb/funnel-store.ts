import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { definitionText, funnelFromRow } from '../../funnels/funnel-row.ts';
import type { Funnel, FunnelStore } from '../../funnels/types.ts';
import { SerialQueue } from './serial.ts';

/**
 * Saved funnels in the embedded DuckDB file (migration 12). Names are unique per site, checked
 * here inside a transaction on this store's one serialised connection (as the goal store does).
 */
export class DuckDbFunnelStore implements FunnelStore {
  private readonly queue = new SerialQueue();

  private constructor(private readonly connection: DuckDBConnection) {}

  static async open(instance: DuckDBInstance): Promise<DuckDbFunnelStore> {
    return new DuckDbFunnelStore(await instance.connect());
  }

  listFunnels(siteId: string): Promise<Funnel[]> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(
        `SELECT id, site_id, name, definition, strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at
         FROM funnels WHERE site_id = $1 ORDER BY funnels.created_at, id`,
        [siteId],
      );
      return reader.getRowObjectsJS().map(funnelFromRow);
    });
  }

  createFunnel(funnel: Funnel): Promise<boolean> {
    return this.queue.run(async () => {
      await this.connection.run('BEGIN TRANSACTION');
      try {
        const taken = await this.connection.runAndReadAll(
          'SELECT id FROM funnels WHERE site_id = $1 AND name = $2',
          [funnel.siteId, funnel.name],
        );
        if (taken.getRowObjectsJS().length > 0) {
          await this.connection.run('ROLLBACK');
          return false;
        }
        await this.connection.run(
          'INSERT INTO funnels (id, site_id, name, definition, created_at) VALUES ($1, $2, $3, $4, CAST($5 AS TIMESTAMP))',
          [funnel.id, funnel.siteId, funnel.name, definitionText(funnel), funnel.createdAt.replace('Z', '')],
        );
        await this.connection.run('COMMIT');
        return true;
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  deleteFunnel(siteId: string, funnelId: string): Promise<boolean> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(
        'DELETE FROM funnels WHERE site_id = $1 AND id = $2 RETURNING id',
        [siteId, funnelId],
      );
      return reader.getRowObjectsJS().length > 0;
    });
  }

  close(): void {
    this.connection.closeSync();
  }
}
