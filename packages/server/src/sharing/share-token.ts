import { createHash, randomBytes } from 'node:crypto';

/**
 * A shared link's token: `zvs_` + 32 random bytes in base64url (256 bits, far past the 128 the
 * issue asks for), so it cannot be guessed or enumerated.
 */
export function newShareToken(): string {
  return `zvs_${randomBytes(32).toString('base64url')}`;
}

/** Only tokens of our own shape are hashed and looked up; anything else is refused unread. */
export const shareTokenPattern = /^zvs_[A-Za-z0-9_-]{43}$/;

/** The stored form: SHA-256 hex. A fast hash is enough for 256 random bits (no dictionary to try). */
export function hashShareToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** `sl_` + 16 hex characters: the link's handle in lists and revocation (not secret). */
export function newSharedLinkId(): string {
  return `sl_${randomBytes(8).toString('hex')}`;
}
