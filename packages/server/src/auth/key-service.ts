import type { Clock } from '../clock.ts';
import type { ApiKeyRecord, ApiPermission, MetadataStore } from '../store/types.ts';
import { generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key.ts';

/** `write` changes site settings over the REST API (goals); `read` alone never does. */
export const apiPermissions: readonly ApiPermission[] = ['read', 'ingest', 'write'];

/** A label for lists, not a document. */
const maxNameLength = 100;

/** A refused key request (unknown site, bad permission); the message is for the person. */
export class ApiKeyInputError extends Error {}

export interface CreateApiKeyInput {
  readonly name?: string;
  /** Omitted or null: the key works for every site. */
  readonly siteId?: string | null;
  readonly permissions?: readonly string[];
}

export interface CreatedApiKey {
  /** The only time the full key exists outside the caller's hands. */
  readonly key: string;
  readonly record: ApiKeyRecord;
}

/** Creates, lists, revokes and checks API keys; the store sees only hashes. */
export class ApiKeyService {
  constructor(
    private readonly store: MetadataStore,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const permissions = parsePermissions(input.permissions ?? ['read']);
    const name = input.name?.trim() || 'API key';
    if (name.length > maxNameLength)
      throw new ApiKeyInputError(`--name must be at most ${maxNameLength} characters`);
    const siteId = input.siteId ?? null;
    if (siteId !== null && !(await this.store.listSites()).some((site) => site.id === siteId)) {
      throw new ApiKeyInputError(`no site has id "${siteId}"; see: zenovay sites list`);
    }
    // A prefix collision (48 random bits) is astronomically rare; try again rather than fail.
    for (let attempt = 0; ; attempt++) {
      const generated = generateApiKey();
      const record: ApiKeyRecord = {
        prefix: generated.prefix,
        keyHash: generated.keyHash,
        name,
        siteId,
        permissions,
        createdAt: new Date(this.clock.now()).toISOString(),
        revokedAt: null,
      };
      if ((await this.store.listApiKeys()).some((key) => key.prefix === record.prefix) && attempt < 3)
        continue;
      await this.store.createApiKey(record);
      return { key: generated.key, record };
    }
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.store.listApiKeys();
  }

  /** False when no active key has this prefix. */
  revoke(prefix: string): Promise<boolean> {
    return this.store.revokeApiKey(prefix.trim(), new Date(this.clock.now()).toISOString());
  }

  /** The active key a request presented, or null for missing, malformed, unknown or revoked keys. */
  async authenticate(presented: string | undefined): Promise<ApiKeyRecord | null> {
    if (presented === undefined || !isWellFormedApiKey(presented)) return null;
    const record = await this.store.apiKeyByHash(hashApiKey(presented));
    if (record === undefined || record.revokedAt !== null) return null;
    return record;
  }
}

/** Accepts `read`, `ingest`, `write` or several, in any order and case; refuses anything else or nothing. */
export function parsePermissions(raw: readonly string[]): ApiPermission[] {
  const wanted = raw.flatMap((item) => item.split(',')).map((item) => item.trim().toLowerCase());
  const unknown = wanted.filter((item) => item !== '' && !(apiPermissions as string[]).includes(item));
  if (unknown.length > 0) {
    throw new ApiKeyInputError(`unknown permission "${unknown[0]}"; use ${apiPermissions.join(', ')}`);
  }
  const chosen = apiPermissions.filter((permission) => wanted.includes(permission));
  if (chosen.length === 0) throw new ApiKeyInputError(`give at least one of ${apiPermissions.join(', ')}`);
  return chosen;
}

export function hasPermission(key: ApiKeyRecord, permission: ApiPermission): boolean {
  return key.permissions.includes(permission);
}

/** A site-scoped key sees only its site; an unscoped key sees every site. */
export function canSeeSite(key: ApiKeyRecord, siteId: string): boolean {
  return key.siteId === null || key.siteId === siteId;
}
