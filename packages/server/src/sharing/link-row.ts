import { type SharedLinkRecord, type SharePanel, sharePanels } from './types.ts';

/** A stored row (either store) as a record; unknown panel names (a newer version's) are dropped. */
export function sharedLinkFromRow(row: Record<string, unknown>): SharedLinkRecord {
  const panels =
    row.panels === null || row.panels === undefined
      ? null
      : String(row.panels)
          .split(',')
          .filter((name): name is SharePanel => (sharePanels as readonly string[]).includes(name));
  return {
    id: String(row.id),
    siteId: String(row.site_id),
    name: String(row.name),
    tokenHash: String(row.token_hash),
    passwordHash:
      row.password_hash === null || row.password_hash === undefined ? null : String(row.password_hash),
    panels,
    createdAt: String(row.created_at),
  };
}

export function panelsText(link: SharedLinkRecord): string | null {
  return link.panels === null ? null : link.panels.join(',');
}
