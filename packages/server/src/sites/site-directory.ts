import type { MetadataStore, Site } from '../store/types.ts';

/**
 * The sites the ingest path knows, by tracking code, held in memory so a lookup costs no I/O.
 * Changes made through this process are applied at once; `refresh` picks up changes made
 * elsewhere (other nodes in scale-out).
 */
export class SiteDirectory {
  private byCode = new Map<string, Site>();

  constructor(private readonly store: MetadataStore) {}

  async refresh(): Promise<void> {
    const sites = await this.store.listSites();
    this.byCode = new Map(sites.map((site) => [site.trackingCode, site]));
  }

  byTrackingCode(code: string): Site | undefined {
    return this.byCode.get(code);
  }

  /**
   * The site with this domain (Plausible's Events API names sites so), the earliest added when
   * several share it. A scan: sites are few, and only that API asks.
   */
  byDomain(domain: string): Site | undefined {
    let found: Site | undefined;
    for (const site of this.byCode.values()) {
      if (site.domain === domain && (!found || site.createdAt < found.createdAt)) found = site;
    }
    return found;
  }

  remember(site: Site): void {
    this.byCode.set(site.trackingCode, site);
  }
}
