import { randomBytes } from 'node:crypto';
import { hashApiKey } from '../auth/api-key.ts';

/** Proxy keys look unlike API keys (`zv_`), so a leaked one is recognised for what it is. */
export const proxyKeyMarker = 'zvp_';

/** The header a first-party proxy sends its key in. */
export const proxyKeyHeader = 'x-zenovay-proxy-key';

/** `zvp_` + 43 base64url characters (256 random bits). Anything else is refused before hashing. */
const proxyKeyPattern = /^zvp_[A-Za-z0-9_-]{43}$/;

/** `zvp_` + the first 8 secret characters: shown in lists, used to revoke. */
const prefixLength = proxyKeyMarker.length + 8;

export interface NewProxyKey {
  /** The full key; shown once and never stored. */
  readonly key: string;
  readonly prefix: string;
  readonly keyHash: string;
}

export function generateProxyKey(): NewProxyKey {
  const key = `${proxyKeyMarker}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, prefixLength), keyHash: hashProxyKey(key) };
}

/** SHA-256 hex, as for API keys: 256 random bits need no slow hash, and lookups stay O(1). */
export function hashProxyKey(key: string): string {
  return hashApiKey(key);
}

export function isWellFormedProxyKey(candidate: string): boolean {
  return proxyKeyPattern.test(candidate);
}
