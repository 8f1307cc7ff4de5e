import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with this, so leaked keys are easy to spot (secret scanners, logs). */
export const apiKeyMarker = 'zv_';

/** 32 random bytes = 256 bits: no one guesses or brute-forces that, however fast the hash. */
const secretBytes = 32;

/** `zv_` + 43 base64url characters. Anything else is refused before any lookup. */
const apiKeyPattern = /^zv_[A-Za-z0-9_-]{43}$/;

/** `zv_` + the first 8 secret characters (48 of 256 bits): shown in lists, used to revoke. */
const prefixLength = apiKeyMarker.length + 8;

export interface NewApiKey {
  /** The full key; shown to the person once and never stored. */
  readonly key: string;
  readonly prefix: string;
  readonly keyHash: string;
}

export function generateApiKey(): NewApiKey {
  const key = `${apiKeyMarker}${randomBytes(secretBytes).toString('base64url')}`;
  return { key, prefix: apiKeyPrefix(key), keyHash: hashApiKey(key) };
}

/**
 * SHA-256, hex. A slow password hash (bcrypt, argon2) protects low-entropy secrets people choose;
 * these keys carry 256 random bits, so even a fast hash cannot be reversed by guessing, and a fast
 * deterministic hash lets each request find its key by an indexed equality lookup.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, prefixLength);
}

export function isWellFormedApiKey(candidate: string): boolean {
  return apiKeyPattern.test(candidate);
}
