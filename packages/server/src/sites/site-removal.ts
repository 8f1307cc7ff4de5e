import type { AccountStore } from '../accounts/types.ts';
import type { ApiKeyService } from '../auth/key-service.ts';
import type { ProxyKeyRegistry } from '../proxy/proxy-key-registry.ts';
import type { MetadataStore } from '../store/types.ts';
import type { SiteDirectory } from './site-directory.ts';

/** Deletes one site with everything that hangs off it; a missing site is not an error. */
export type SiteRemover = (siteId: string) => Promise<void>;

export interface SiteRemovalParts {
  readonly metadata: MetadataStore;
  /** The running server's directory (null when no server runs: the CLI on the stores directly). */
  readonly directory: SiteDirectory | null;
  readonly apiKeys: ApiKeyService;
  /** The registry the ingest path checks, reloaded so a deleted site's proxy keys stop at once. */
  readonly proxyKeys: ProxyKeyRegistry;
  readonly accounts: AccountStore;
}

/**
 * The one way a site is deleted (dashboard "Delete site" and account deletion alike): the store
 * drops the site row, its events, refusal counters and proxy keys; its API keys are revoked (kept
 * as revoked for the record); the in-memory views are refreshed; its memberships go last, so an
 * interrupted deletion can be retried by whoever still owns the site.
 */
export function siteRemover(parts: SiteRemovalParts): SiteRemover {
  return async (siteId) => {
    await parts.metadata.deleteSite(siteId);
    await parts.directory?.refresh(); // ingest refuses the tracking code from now on
    for (const key of await parts.apiKeys.list()) {
      if (key.siteId === siteId && key.revokedAt === null) await parts.apiKeys.revoke(key.prefix);
    }
    await parts.proxyKeys.reload();
    await parts.accounts.removeSiteMembers(siteId);
  };
}
