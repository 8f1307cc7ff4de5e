import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SharedLinkRecord } from './types.ts';

/** An unlocked password-protected link stays unlocked in that browser for a day. */
export const unlockTtlMs = 24 * 3_600_000;

/**
 * The proof that this browser typed a link's password: `<expiry ms>.<HMAC>` keyed by the link's
 * stored password hash. The hash never leaves the server, so the proof cannot be forged from the
 * token alone; it holds on every node with no shared session state, and it dies with the link
 * (revoked: no row, no key) and with a changed password (a new hash).
 */
export function unlockGrant(link: SharedLinkRecord, expiresAtMs: number): string {
  if (link.passwordHash === null) throw new Error('the link has no password');
  const mac = createHmac('sha256', link.passwordHash)
    .update(`${link.id}\0${expiresAtMs}`)
    .digest('base64url');
  return `${expiresAtMs}.${mac}`;
}

export function grantUnlocks(link: SharedLinkRecord, grant: string | undefined, nowMs: number): boolean {
  if (link.passwordHash === null) return true;
  if (!grant || grant.length > 100) return false;
  const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(grant);
  if (!match) return false;
  const expiresAtMs = Number(match[1]);
  if (expiresAtMs <= nowMs) return false;
  const expected = Buffer.from(unlockGrant(link, expiresAtMs));
  const presented = Buffer.from(grant);
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}
