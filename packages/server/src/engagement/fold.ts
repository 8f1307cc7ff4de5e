import type { HeartbeatRow } from '../ingest/heartbeat-types.ts';

/** One pageview's engagement: what a store keeps per (site, visit, pageview key). */
export interface EngagementRow {
  readonly siteId: string;
  readonly sessionId: string;
  readonly pageviewKey: string;
  readonly visitorId: string;
  readonly hostname: string;
  readonly pathname: string;
  engagedMs: number;
  scrollMax: number;
  /** The last engaged moment: the latest heartbeat's receive time. */
  lastMs: number;
}

/**
 * Folds a batch of heartbeats into one row per pageview. Every column merges with max(), so the
 * fold of a batch, a store's merge of batches, and a replay of a batch already stored all give
 * the same row: heartbeats carry cumulative values, and a retried one is a no-op. A pageview's URL
 * and visitor come from its first heartbeat (they do not change within a pageview).
 */
export function foldHeartbeats(heartbeats: readonly HeartbeatRow[]): EngagementRow[] {
  const byPageview = new Map<string, EngagementRow>();
  for (const beat of heartbeats) {
    const key = `${beat.siteId}\u0000${beat.sessionId}\u0000${beat.pageviewKey}`;
    const known = byPageview.get(key);
    if (!known) {
      byPageview.set(key, {
        siteId: beat.siteId,
        sessionId: beat.sessionId,
        pageviewKey: beat.pageviewKey,
        visitorId: beat.visitorId,
        hostname: beat.hostname,
        pathname: beat.pathname,
        engagedMs: beat.engagedMs,
        scrollMax: beat.scrollMax,
        lastMs: Math.floor(beat.ts),
      });
      continue;
    }
    known.engagedMs = Math.max(known.engagedMs, beat.engagedMs);
    known.scrollMax = Math.max(known.scrollMax, beat.scrollMax);
    known.lastMs = Math.max(known.lastMs, Math.floor(beat.ts));
  }
  return [...byPageview.values()];
}
