import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { EventStore } from '../store/types.ts';
import { ServerSessions, type VisitResolver, visitTimeoutMs } from './server-session.ts';
import { SharedServerSessions, type SharedVisitStore } from './server-session-shared.ts';

/**
 * Server-assigned visits, reopened from the store: visitors active within the visit timeout before a
 * restart continue the same visit after it. With a shared store (Redis, several nodes) the visits
 * are decided there and this node's seeded map is its mirror and fallback.
 */
export async function openServerSessions(
  store: EventStore,
  clock: Clock,
  options: { shared?: SharedVisitStore | null; log?: Logger } = {},
): Promise<VisitResolver> {
  const sessions = new ServerSessions();
  for (const visit of await store.recentServerVisits(clock.now() - visitTimeoutMs)) {
    sessions.seed(visit.siteId, visit.visitorId, visit.sessionId, visit.lastMs);
  }
  return options.shared ? new SharedServerSessions(options.shared, sessions, options.log) : sessions;
}
