import { createHash } from 'node:crypto';

/**
 * The cookieless visitor id: a hash of site, client IP, user agent and the day's salt. The salt is
 * random, lives one UTC day and is then destroyed, so nobody (us included) can link a hash to an
 * IP address or recompute an old one.
 */
export function visitorHash(salt: string, siteId: string, ip: string, userAgent: string): string {
  return createHash('sha256')
    .update(salt)
    .update('\u0000')
    .update(siteId)
    .update('\u0000')
    .update(ip)
    .update('\u0000')
    .update(userAgent)
    .digest('base64url')
    .slice(0, 22);
}
