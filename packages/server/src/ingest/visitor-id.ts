import { createHash, hash } from 'node:crypto';

/**
 * The cookieless visitor id: a hash of site, client IP, user agent and the day's salt. The salt is
 * random, lives one UTC day and is then destroyed, so nobody (us included) can link a hash to an
 * IP address or recompute an old one.
 */
export function visitorHash(salt: string, siteId: string, ip: string, userAgent: string): string {
  // The one-shot hash of the joined string hashes exactly the same bytes as one update per part,
  // without a Hash object and with one native call (this runs for every event without a visitor_id).
  return hash('sha256', `${salt}\u0000${siteId}\u0000${ip}\u0000${userAgent}`, 'base64url').slice(0, 22);
}

/**
 * The visitor id of a person the site identified (`user_id`, the tracker's `identify`): the same
 * on every device and every day, different per site, and not reversible to the site's own id.
 */
export function identifiedVisitor(siteId: string, userId: string): string {
  return `u_${createHash('sha256').update(`${siteId}\u0000${userId}`).digest('base64url').slice(0, 22)}`;
}
