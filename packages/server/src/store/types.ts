import type { ErrorCode } from '../errors.ts';
import type { EventRow } from '../ingest/types.ts';

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
  append(rows: readonly EventRow[]): Promise<void>;
  /** `(site, event_id)` pairs stored at or after `sinceMs`, oldest first: seeds the dedupe window. */
  recentEventIds(sinceMs: number): Promise<Array<{ siteId: string; eventId: string; ts: number }>>;
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
}
