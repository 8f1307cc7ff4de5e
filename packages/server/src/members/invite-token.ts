import { createHash, randomBytes } from 'node:crypto';

/** An invitation's one-time token: `zvi_` + 32 random bytes (256 bits) in base64url. */
export function newInviteToken(): string {
  return `zvi_${randomBytes(32).toString('base64url')}`;
}

export const inviteTokenPattern = /^zvi_[A-Za-z0-9_-]{43}$/;

/** The stored form: SHA-256 hex (256 random bits need no slow hash). */
export function hashInviteToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newInviteId(): string {
  return `inv_${randomBytes(8).toString('hex')}`;
}
