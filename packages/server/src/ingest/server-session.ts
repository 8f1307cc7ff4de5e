import { randomBytes } from 'node:crypto';

/**
 * The session id a sender uses to say "the server decides the visit". The browser tracker sends it
 * on every event, so it never has to write anything to the browser; servers may use it too.
 */
export const serverAssignedSessionId = 'zv:auto-session';

/** The product's visit rule: a new visit starts after 30 minutes without activity. */
export const visitTimeoutMs = 30 * 60 * 1000;

/** Decides the visit of a `zv:auto-session` event: in this node's memory, or shared by all nodes. */
export interface VisitResolver {
  /** The visit id for an event of this visitor at `nowMs`, starting a new visit when needed. */
  resolve(siteId: string, visitorId: string, nowMs: number): string | Promise<string>;
  /**
   * The visitor a server-assigned visit (`zs_…`) belongs to, when this node has seen it in the
   * last day: a backend that sends a purchase with the browser's visit id (the hybrid case) but no
   * visitor of its own counts as that visitor, not as a second one made from the server's address.
   */
  visitorOf?(siteId: string, sessionId: string, nowMs: number): string | undefined;
}

/** How long a server-assigned visit's visitor is remembered for a backend's later events. */
export const visitOwnerMemoryMs = 24 * 60 * 60 * 1000;

/** What every server-assigned visit id starts with. */
export const serverVisitPrefix = 'zs_';

/** A fresh server-assigned visit id. */
export function newVisitId(): string {
  return `${serverVisitPrefix}${randomBytes(12).toString('base64url')}`;
}

interface OpenVisit {
  id: string;
  lastMs: number;
}

/**
 * Visits of senders that let the server decide, keyed by site and visitor id (for the tracker that
 * is the daily visitor hash of IP, user agent and salt, so a visit also ends when the salt rotates
 * at UTC midnight). Held in memory: a restart starts new visits for those mid-visit unless seeded.
 * With Redis (several nodes) this map is each node's mirror and fallback (server-session-shared.ts).
 *
 * The map is kept in order of last activity (an entry is re-inserted when touched), so expired
 * visits are always at its front and are dropped from there in O(expired).
 */
export class ServerSessions implements VisitResolver {
  private readonly open = new Map<string, OpenVisit>();
  /** Visit id -> its visitor, oldest first, for `visitorOf`. */
  private readonly owners = new Map<string, { visitorId: string; lastMs: number }>();

  constructor(
    private readonly timeoutMs = visitTimeoutMs,
    /** Bounds memory under a flood of distinct visitors; the oldest visits go first. */
    private readonly maxOpenVisits = 1_000_000,
  ) {}

  resolve(siteId: string, visitorId: string, nowMs: number): string {
    return this.record(siteId, visitorId, this.openVisit(siteId, visitorId, nowMs) ?? newVisitId(), nowMs);
  }

  /** The id of this visitor's visit that is still open at `nowMs`, if there is one. */
  openVisit(siteId: string, visitorId: string, nowMs: number): string | undefined {
    const current = this.open.get(`${siteId}\u0000${visitorId}`);
    return current !== undefined && nowMs - current.lastMs <= this.timeoutMs ? current.id : undefined;
  }

  /**
   * Records activity of visit `id` at `nowMs` and returns `id`: the visit's last activity moves
   * forward (never back), and a different id replaces the visitor's previous visit.
   */
  record(siteId: string, visitorId: string, id: string, nowMs: number): string {
    const key = `${siteId}\u0000${visitorId}`;
    const current = this.open.get(key);
    const visit: OpenVisit = current?.id === id ? current : { id, lastMs: nowMs };
    visit.lastMs = Math.max(visit.lastMs, nowMs);
    this.open.delete(key);
    this.open.set(key, visit);
    this.remember(siteId, id, visitorId, visit.lastMs);
    this.dropExpired(nowMs);
    return id;
  }

  visitorOf(siteId: string, sessionId: string, nowMs: number): string | undefined {
    const owner = this.owners.get(`${siteId}\u0000${sessionId}`);
    return owner !== undefined && nowMs - owner.lastMs <= visitOwnerMemoryMs ? owner.visitorId : undefined;
  }

  private remember(siteId: string, sessionId: string, visitorId: string, lastMs: number): void {
    const key = `${siteId}\u0000${sessionId}`;
    this.owners.delete(key);
    this.owners.set(key, { visitorId, lastMs });
    for (const [oldKey, owner] of this.owners) {
      if (lastMs - owner.lastMs <= visitOwnerMemoryMs && this.owners.size <= this.maxOpenVisits) break;
      this.owners.delete(oldKey);
    }
  }

  /** Restores a visit known from elsewhere (e.g. the store, after a restart). */
  seed(siteId: string, visitorId: string, sessionId: string, lastMs: number): void {
    this.open.set(`${siteId}\u0000${visitorId}`, { id: sessionId, lastMs });
    this.remember(siteId, sessionId, visitorId, lastMs);
  }

  get size(): number {
    return this.open.size;
  }

  private dropExpired(nowMs: number): void {
    for (const [key, visit] of this.open) {
      if (nowMs - visit.lastMs <= this.timeoutMs && this.open.size <= this.maxOpenVisits) break;
      this.open.delete(key);
    }
  }
}
