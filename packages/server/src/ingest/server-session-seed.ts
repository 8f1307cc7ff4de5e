import type { Clock } from '../clock.ts';
import type { EventStore } from '../store/types.ts';
import { ServerSessions, visitTimeoutMs } from './server-session.ts';

/**
 * Server-assigned visits, reopened from the store: visitors active within the visit timeout before a
 * restart continue the same visit after it.
 */
export async function openServerSessions(store: EventStore, clock: Clock): Promise<ServerSessions> {
  const sessions = new ServerSessions();
  for (const visit of await store.recentServerVisits(clock.now() - visitTimeoutMs)) {
    sessions.seed(visit.siteId, visit.visitorId, visit.sessionId, visit.lastMs);
  }
  return sessions;
}
