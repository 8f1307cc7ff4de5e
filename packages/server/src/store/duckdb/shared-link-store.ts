import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { panelsText, sharedLinkFromRow } from '../../sharing/link-row.ts';
import type { SharedLinkRecord, SharedLinkStore } from '../../sharing/types.ts';
import { SerialQueue } from './serial.ts';

const linkSelect = `SELECT id, site_id, name, token_hash, password_hash, panels,
  strftime(created_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at FROM shared_links`;

/** Shared links and public sites in the embedded DuckDB file (migration 14). */
export class DuckDbSharedLinkStore implements SharedLinkStore {
  private readonly queue = new SerialQueue();

  private constructor(private readonly connection: DuckDBConnection) {}

  static async open(instance: DuckDBInstance): Promise<DuckDbSharedLinkStore> {
    return new DuckDbSharedLinkStore(await instance.connect());
  }

  createSharedLink(link: SharedLinkRecord): Promise<void> {
    return this.queue.run(async () => {
      await this.connection.run(
        `INSERT INTO shared_links (id, site_id, name, token_hash, password_hash, panels, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, CAST($7 AS TIMESTAMP))`,
        [
          link.id,
          link.siteId,
          link.name,
          link.tokenHash,
          link.passwordHash,
          panelsText(link),
          link.createdAt.replace('Z', ''),
        ],
      );
    });
  }

  listSharedLinks(siteId: string): Promise<SharedLinkRecord[]> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(
        `${linkSelect} WHERE site_id = $1 ORDER BY shared_links.created_at, id`,
        [siteId],
      );
      return reader.getRowObjectsJS().map(sharedLinkFromRow);
    });
  }

  sharedLinkByHash(tokenHash: string): Promise<SharedLinkRecord | undefined> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(`${linkSelect} WHERE token_hash = $1`, [tokenHash]);
      const row = reader.getRowObjectsJS()[0];
      return row ? sharedLinkFromRow(row) : undefined;
    });
  }

  deleteSharedLink(siteId: string, id: string): Promise<boolean> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll(
        'DELETE FROM shared_links WHERE site_id = $1 AND id = $2 RETURNING id',
        [siteId, id],
      );
      return reader.getRowObjectsJS().length > 0;
    });
  }

  setSitePublic(siteId: string, isPublic: boolean, at: string): Promise<void> {
    return this.queue.run(async () => {
      if (!isPublic) {
        await this.connection.run('DELETE FROM public_sites WHERE site_id = $1', [siteId]);
        return;
      }
      await this.connection.run(
        `INSERT INTO public_sites (site_id, made_public_at) VALUES ($1, CAST($2 AS TIMESTAMP))
         ON CONFLICT (site_id) DO NOTHING`,
        [siteId, at.replace('Z', '')],
      );
    });
  }

  isSitePublic(siteId: string): Promise<boolean> {
    return this.queue.run(async () => {
      const reader = await this.connection.runAndReadAll('SELECT 1 FROM public_sites WHERE site_id = $1', [
        siteId,
      ]);
      return reader.getRowObjectsJS().length > 0;
    });
  }

  close(): void {
    this.connection.closeSync();
  }
}
