import { canSeeSite, hasPermission } from '../auth/key-service.ts';
import { ApiError } from '../errors.ts';
import type { ApiKeyRecord, MetadataStore, Site } from '../store/types.ts';

/** The sites a key may read: its one site, or every site for an unscoped key. */
export async function visibleSites(metadata: MetadataStore, key: ApiKeyRecord): Promise<Site[]> {
  return (await metadata.listSites()).filter((site) => canSeeSite(key, site.id));
}

/**
 * The site with this id, if the key may see it. A site outside the key's scope answers exactly
 * like a site that does not exist (404), so a scoped key learns nothing about other sites.
 */
export async function siteForKey(metadata: MetadataStore, key: ApiKeyRecord, id: string): Promise<Site> {
  const site = canSeeSite(key, id) ? (await metadata.listSites()).find((item) => item.id === id) : undefined;
  if (!site) throw new ApiError('NOT_FOUND');
  return site;
}

/**
 * The site, once the key may change it: the `write` permission first (a read-only key gets
 * FORBIDDEN even for its own site, as the guard checks only `read`), then `siteForKey`.
 */
export function writableSiteForKey(metadata: MetadataStore, key: ApiKeyRecord, id: string): Promise<Site> {
  if (!hasPermission(key, 'write')) throw new ApiError('FORBIDDEN');
  return siteForKey(metadata, key, id);
}
