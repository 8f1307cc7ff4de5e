import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { MetadataStore, Site } from '../store/types.ts';
import type { SiteDirectory } from './site-directory.ts';

/** `ZV_` plus 20 random bytes in base64url: unguessable, no whitespace, safe in a URL path. */
export function newTrackingCode(): string {
  return `ZV_${randomBytes(20).toString('base64url')}`;
}

const domainPattern =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export class InvalidDomainError extends Error {}

/**
 * Turns what a person typed ("https://www.Example.com/", "example.com") into the bare host the
 * Origin check compares against.
 */
export function normalizeDomain(input: string): string {
  let host = input.trim().toLowerCase();
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(host)) {
    try {
      host = new URL(host).hostname;
    } catch {
      throw new InvalidDomainError(`"${input}" is not a domain`);
    }
  }
  host = host.replace(/\/.*$/, '').replace(/:\d+$/, '').replace(/\.$/, '');
  if (!domainPattern.test(host))
    throw new InvalidDomainError(`"${input}" is not a domain such as example.com`);
  return host;
}

export class SiteService {
  constructor(
    private readonly store: MetadataStore,
    private readonly directory: SiteDirectory | null,
    private readonly clock: Clock,
  ) {}

  async add(domainInput: string, options: { name?: string; timezone?: string } = {}): Promise<Site> {
    const domain = normalizeDomain(domainInput);
    const site: Site = {
      id: randomUUID(),
      domain,
      name: options.name?.trim() || domain,
      trackingCode: newTrackingCode(),
      timezone: options.timezone ?? 'UTC',
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    await this.store.createSite(site);
    this.directory?.remember(site);
    return site;
  }

  list(): Promise<Site[]> {
    return this.store.listSites();
  }
}
