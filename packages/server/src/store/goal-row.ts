import type { Goal } from '../goals/types.ts';

/**
 * A goal from a row of `goals` as both metadata stores select it (created_at already an ISO
 * string, property matches as the parallel lists prop_keys / prop_values).
 */
export function goalFromRow(row: Record<string, unknown>): Goal {
  const keys = (row.prop_keys as unknown[] | null) ?? [];
  const values = (row.prop_values as unknown[] | null) ?? [];
  return {
    id: String(row.id),
    siteId: String(row.site_id),
    name: String(row.name),
    kind: row.kind === 'page' ? 'page' : 'event',
    eventName: row.event_name === null || row.event_name === undefined ? null : String(row.event_name),
    pagePath: row.page_path === null || row.page_path === undefined ? null : String(row.page_path),
    properties: keys.map((key, i) => ({ key: String(key), value: String(values[i] ?? '') })),
    currency: row.currency === null || row.currency === undefined ? null : String(row.currency),
    createdAt: String(row.created_at),
  };
}
