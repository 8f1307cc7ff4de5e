import { api } from './api.ts';
import { type Loaded, useApi } from './dashboard/use-stats.ts';

/** A step as the server shows it (docs/funnels.md). */
export interface FunnelStepInfo {
  readonly type: 'page' | 'event' | 'goal';
  readonly name: string;
  readonly label: string | null;
  readonly page_path?: string;
  readonly event_name?: string;
  readonly properties?: Readonly<Record<string, string>>;
  readonly goal_id?: string;
}

/** A saved funnel as `/api/dashboard/sites/:id/funnels` lists it. */
export interface FunnelInfo {
  readonly id: string;
  readonly name: string;
  readonly steps: readonly FunnelStepInfo[];
  readonly window: string;
  readonly window_ms: number;
  readonly order: 'sequential' | 'strict';
  readonly created_at: string;
}

export interface FunnelStepResult {
  readonly step: number;
  readonly name: string;
  readonly visitors: number;
  readonly conversion_rate: number | null;
  readonly conversion_rate_from_previous: number | null;
  readonly drop_off: number;
}

export interface FunnelRevenueAmount {
  readonly value: string;
  readonly currency: string;
}

/** The funnel query's answer (`POST /api/dashboard/sites/:id/funnel`, as `/stats/funnel`). */
export interface FunnelResult {
  readonly funnel: { readonly id: string | null; readonly name: string | null; readonly window: string };
  readonly steps: readonly FunnelStepResult[];
  readonly revenue?: {
    readonly currency: string;
    readonly total: FunnelRevenueAmount | null;
    readonly per_entering_visitor: FunnelRevenueAmount | null;
  };
}

/** What the builder sends; the server checks it and names the offending step. */
export interface FunnelBody {
  readonly name: string;
  readonly steps: ReadonlyArray<Record<string, unknown>>;
  readonly window: string;
  readonly order: 'sequential' | 'strict';
}

export const funnelsPath = (siteId: string) => `/sites/${encodeURIComponent(siteId)}/funnels`;
export const funnelQueryPath = (siteId: string) => `/sites/${encodeURIComponent(siteId)}/funnel`;

export function useFunnels(siteId: string, version = 0): Loaded<{ funnels: FunnelInfo[] }> {
  return useApi(
    () => api.get<{ funnels: FunnelInfo[] }>(funnelsPath(siteId)),
    `${siteId}:funnels:${version}`,
  );
}

/** The funnel's answer over a range and the view's filters; null query = nothing to ask yet. */
export function useFunnelResult(
  siteId: string,
  query: Record<string, unknown> | null,
): Loaded<{ result: FunnelResult }> {
  return useApi(
    query ? () => api.post<{ result: FunnelResult }>(funnelQueryPath(siteId), query) : null,
    `${siteId}:funnel:${JSON.stringify(query)}`,
  );
}
