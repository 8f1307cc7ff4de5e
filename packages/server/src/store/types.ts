import type { ErrorCode } from '../errors.ts';
import type { LogRow } from '../ingest/heartbeat-types.ts';

export interface Site {
  readonly id: string;
  readonly domain: string;
  readonly name: string;
  readonly trackingCode: string;
  readonly timezone: string;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
}

/** Where accepted events live. Append commits before it resolves: a resolved append is durable. */
export interface EventStore {
  /** Events and heartbeats (ingest/heartbeat-types.ts), in one batch. */
  append(rows: readonly LogRow[]): Promise<void>;
  /** `(site, event_id)` pairs stored at or after `sinceMs`, oldest first: seeds the dedupe window. */
  recentEventIds(sinceMs: number): Promise<Array<{ siteId: string; eventId: string; ts: number }>>;
  /**
   * The latest server-assigned visit (`zs_…` session id) of each visitor active at or after
   * `sinceMs`: reopens visits after a restart, so a restart does not split them.
   */
  recentServerVisits(
    sinceMs: number,
  ): Promise<Array<{ siteId: string; visitorId: string; sessionId: string; lastMs: number }>>;
}

export interface RefusalCount {
  readonly siteId: string;
  readonly day: string;
  readonly reason: ErrorCode;
  readonly count: number;
}

/** Sites, salts, refusal counters: the small, slowly changing data. */
export interface MetadataStore {
  createSite(site: Site): Promise<void>;
  listSites(): Promise<Site[]>;
  /** The salt for a UTC day, created on first use; salts of other days are destroyed. */
  saltForDay(day: string, create: () => string): Promise<string>;
  addRefusals(counts: readonly RefusalCount[]): Promise<void>;
  refusals(fromDay: string, siteId?: string): Promise<RefusalCount[]>;
  /** Deletes the refusal counters of days before `day` (`YYYY-MM-DD`, UTC): data retention. Returns how many. */
  deleteRefusalsBefore(day: string): Promise<number>;
  /** Changes a site's domain, name or time zone; false when no site has this id. */
  updateSite(id: string, changes: { domain: string; name: string; timezone: string }): Promise<boolean>;
  /** Removes a site with its events and refusal counters; false when no site has this id. */
  deleteSite(id: string): Promise<boolean>;
  createApiKey(key: ApiKeyRecord): Promise<void>;
  /** Every key, revoked ones included, oldest first. */
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** The key whose hash this is, revoked or not; undefined when none. */
  apiKeyByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  /** Marks the key revoked; false when no unrevoked key has this prefix. */
  revokeApiKey(prefix: string, revokedAt: string): Promise<boolean>;
  createProxyKey(key: ProxyKeyRecord): Promise<void>;
  /** Every proxy key, revoked ones included, oldest first. */
  listProxyKeys(): Promise<ProxyKeyRecord[]>;
  /** Marks the proxy key revoked; false when no unrevoked proxy key has this prefix. */
  revokeProxyKey(prefix: string, revokedAt: string): Promise<boolean>;
  /** Adds to API keys' monthly request counters (a counter starts at zero): the monthly quota. */
  addApiKeyRequests(counts: readonly ApiKeyMonthlyCount[]): Promise<void>;
  /** Every key's request counter of one calendar month (`YYYY-MM`, UTC), by prefix. */
  apiKeyRequests(month: string): Promise<ApiKeyMonthlyCount[]>;
}

/** REST API requests one key made in one calendar month (UTC). */
export interface ApiKeyMonthlyCount {
  readonly prefix: string;
  /** `YYYY-MM`, UTC. */
  readonly month: string;
  readonly count: number;
}

export type ApiPermission = 'read' | 'ingest' | 'write';

/** A stored API key. The key itself is never stored: only its SHA-256 (hex). */
export interface ApiKeyRecord {
  /** The key's first characters (`zv_` + 8): not secret, identifies it in lists and revocation. */
  readonly prefix: string;
  readonly keyHash: string;
  readonly name: string;
  /** null: every site. */
  readonly siteId: string | null;
  readonly permissions: readonly ApiPermission[];
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** A first-party proxy key: lets one site's proxy name its visitors' addresses. Stored hashed. */
export interface ProxyKeyRecord {
  /** `zvp_` + 8 key characters: not secret, identifies it in lists and revocation. */
  readonly prefix: string;
  /** SHA-256 (hex) of the key. */
  readonly keyHash: string;
  readonly siteId: string;
  readonly name: string;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  readonly revokedAt: string | null;
}
