import type { Funnel, FunnelOrder, FunnelStep } from './types.ts';

/**
 * The stored form of a funnel's definition: one JSON text column (`definition`) in both metadata
 * stores, since a funnel is always read whole and never queried by its parts.
 */
export function definitionText(funnel: Funnel): string {
  return JSON.stringify({ steps: funnel.steps, windowMs: funnel.windowMs, order: funnel.order });
}

/** A funnel from a row of `funnels` as both stores select it (created_at already ISO text). */
export function funnelFromRow(row: Record<string, unknown>): Funnel {
  const definition = JSON.parse(String(row.definition)) as {
    steps: FunnelStep[];
    windowMs: number;
    order: FunnelOrder;
  };
  return {
    id: String(row.id),
    siteId: String(row.site_id),
    name: String(row.name),
    steps: definition.steps,
    windowMs: definition.windowMs,
    order: definition.order,
    createdAt: String(row.created_at),
  };
}
