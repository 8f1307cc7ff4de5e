import type { EventRow } from './types.ts';

/**
 * One accepted heartbeat (issue 15), as it travels through the append log beside events. It is
 * never an event: the loader folds heartbeats into one engagement row per pageview (site, visit,
 * pageview key) with max(), so the values are cumulative for the pageview — a retried or replayed
 * heartbeat changes nothing. `kind` is the log's record discriminator: records without it (every
 * record written before heartbeats existed) are events.
 */
export interface HeartbeatRow {
  readonly kind: 'heartbeat';
  /** Receive time (ms since the epoch, UTC): the pageview was engaged up to this moment. */
  readonly ts: number;
  readonly siteId: string;
  readonly sessionId: string;
  readonly visitorId: string;
  /** Never deduplicated by id: folding with max() is what makes a retry harmless. */
  readonly eventId: '';
  readonly hostname: string;
  readonly pathname: string;
  /** The sender's id of the pageview (one per page load or SPA route). */
  readonly pageviewKey: string;
  /** Engaged time of the pageview so far (tab visible and focused), in ms. */
  readonly engagedMs: number;
  /** Deepest scroll of the pageview so far, 0–100 (% of the page's height seen). */
  readonly scrollMax: number;
}

/** What the append log carries: events, and heartbeats. */
export type LogRow = EventRow | HeartbeatRow;

export function isHeartbeat(row: LogRow): row is HeartbeatRow {
  return 'kind' in row && row.kind === 'heartbeat';
}

/** Splits a loaded batch: events in their order, heartbeats apart. */
export function splitLogRows<T extends { readonly row: LogRow }>(
  items: readonly T[],
): { events: Array<T & { readonly row: EventRow }>; heartbeats: HeartbeatRow[] } {
  const events: Array<T & { readonly row: EventRow }> = [];
  const heartbeats: HeartbeatRow[] = [];
  for (const item of items) {
    if (isHeartbeat(item.row)) heartbeats.push(item.row);
    else events.push(item as T & { readonly row: EventRow });
  }
  return { events, heartbeats };
}
