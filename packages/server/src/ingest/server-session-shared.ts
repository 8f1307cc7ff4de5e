import type { Logger } from '../log.ts';
import { newVisitId, type ServerSessions, type VisitResolver } from './server-session.ts';

/**
 * The visits all nodes share (Redis: limits/redis-visits.ts). `resolve` is atomic per visitor:
 * it continues the visitor's open visit, or opens `candidateId` when there is none, and answers
 * the visit id every node will see. Time is the caller's `nowMs`. Rejects when the store is
 * unreachable.
 */
export interface SharedVisitStore {
  resolve(siteId: string, visitorId: string, nowMs: number, candidateId: string): Promise<string>;
}

/**
 * Server-assigned visits across nodes: one browser's requests may reach any node behind the load
 * balancer and still form one visit.
 *
 * Each node keeps its in-memory `ServerSessions` as a mirror of the visits it has seen, and offers
 * the visit open there as the candidate. So a visit outlives a Redis restart (the first node that
 * sees the visitor again puts its visit back), and continues where this node left it after an
 * outage.
 *
 * Policy when Redis is unreachable: fail open to this node's memory, like the rate limits and the
 * `event_id` window. Ingest keeps accepting; a visitor whose requests reach several nodes during
 * the outage may get one visit per node. Each outage is logged once, when it starts.
 */
export class SharedServerSessions implements VisitResolver {
  private degraded = false;

  constructor(
    private readonly shared: SharedVisitStore,
    private readonly local: ServerSessions,
    private readonly log?: Logger,
  ) {}

  visitorOf(siteId: string, sessionId: string, nowMs: number): string | undefined {
    return this.local.visitorOf(siteId, sessionId, nowMs);
  }

  async resolve(siteId: string, visitorId: string, nowMs: number): Promise<string> {
    const candidate = this.local.openVisit(siteId, visitorId, nowMs) ?? newVisitId();
    let id: string;
    try {
      id = await this.shared.resolve(siteId, visitorId, nowMs, candidate);
    } catch (error) {
      if (!this.degraded) {
        this.degraded = true;
        this.log?.warn('Redis unreachable: server-assigned visits fall back to per-node memory', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      return this.local.record(siteId, visitorId, candidate, nowMs);
    }
    if (this.degraded) {
      this.degraded = false;
      this.log?.info('Redis reachable again: server-assigned visits are shared across nodes');
    }
    return this.local.record(siteId, visitorId, id, nowMs);
  }
}
