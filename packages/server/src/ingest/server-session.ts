import { randomBytes } from 'node:crypto';

/**
 * The session id a sender uses to say "the server decides the visit". The browser tracker sends it
 * on every event, so it never has to write anything to the browser; servers may use it too.
 */
export const serverAssignedSessionId = 'zv:auto-session';

/** The product's visit rule: a new visit starts after 30 minutes without activity. */
export const visitTimeoutMs = 30 * 60 * 1000;

interface OpenVisit {
  readonly id: string;
  lastMs: number;
}

/**
 * Visits of senders that let the server decide, keyed by site and visitor id (for the tracker that
 * is the daily visitor hash of IP, user agent and salt, so a visit also ends when the salt rotates
 * at UTC midnight). Held in memory: a restart starts new visits for those mid-visit.
 *
 * The map is kept in order of last activity (an entry is re-inserted when touched), so expired
 * visits are always at its front and are dropped from there in O(expired).
 */
export class ServerSessions {
  private readonly open = new Map<string, OpenVisit>();

  constructor(
    private readonly timeoutMs = visitTimeoutMs,
    /** Bounds memory under a flood of distinct visitors; the oldest visits go first. */
    private readonly maxOpenVisits = 1_000_000,
  ) {}

  /** The visit id for an event of this visitor at `nowMs`, starting a new visit when needed. */
  resolve(siteId: string, visitorId: string, nowMs: number): string {
    const key = `${siteId}\u0000${visitorId}`;
    const current = this.open.get(key);
    const continues = current !== undefined && nowMs - current.lastMs <= this.timeoutMs;
    const visit: OpenVisit = continues
      ? current
      : { id: `zs_${randomBytes(12).toString('base64url')}`, lastMs: nowMs };
    visit.lastMs = Math.max(visit.lastMs, nowMs);
    this.open.delete(key);
    this.open.set(key, visit);
    this.dropExpired(nowMs);
    return visit.id;
  }

  /** Restores a visit known from elsewhere (e.g. the store, after a restart). */
  seed(siteId: string, visitorId: string, sessionId: string, lastMs: number): void {
    this.open.set(`${siteId}\u0000${visitorId}`, { id: sessionId, lastMs });
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
