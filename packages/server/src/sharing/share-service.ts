import { hashPassword, verifyPassword } from '../accounts/password.ts';
import type { Clock } from '../clock.ts';
import type { SiteDirectory } from '../sites/site-directory.ts';
import type { MetadataStore, Site } from '../store/types.ts';
import { parsePanels } from './panels.ts';
import { hashShareToken, newSharedLinkId, newShareToken, shareTokenPattern } from './share-token.ts';
import {
  maxSharedLinksPerSite,
  type SharedLinkRecord,
  type SharedLinkStore,
  type SharePanel,
  shareNameMax,
} from './types.ts';

/** A link password long enough not to fall to a few guesses, short enough to pass on by voice. */
export const minSharePasswordLength = 8;

/** Input a person can fix; `field` names what to fix. */
export class ShareInputError extends Error {
  constructor(
    readonly field: 'name' | 'password' | 'panels',
    message: string,
  ) {
    super(message);
  }
}

/** What a shared view is a view of: a link (with its limits) or a site made public. */
export type SharedView =
  | { readonly kind: 'link'; readonly link: SharedLinkRecord; readonly site: Site }
  | { readonly kind: 'public'; readonly site: Site };

/** How long a site's name and time zone may be read from memory for shared views. */
const siteCacheMs = 5_000;

/** Shared links and public sites: made and revoked by a site's owners and admins, read by anyone. */
export class ShareService {
  private sites: { atMs: number; byId: Map<string, Site> } | null = null;

  constructor(
    private readonly store: SharedLinkStore,
    private readonly metadata: MetadataStore,
    private readonly directory: SiteDirectory,
    private readonly clock: Clock,
  ) {}

  /** Creates a link; the token is returned this once and never again (only its hash is kept). */
  async create(
    siteId: string,
    input: { name?: unknown; password?: unknown; panels?: unknown },
  ): Promise<{ token: string; link: SharedLinkRecord }> {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (name === '' || name.length > shareNameMax)
      throw new ShareInputError('name', `give the link a name of 1 to ${shareNameMax} characters`);
    let passwordHash: string | null = null;
    if (input.password !== undefined && input.password !== null && input.password !== '') {
      if (
        typeof input.password !== 'string' ||
        input.password.length < minSharePasswordLength ||
        input.password.length > 1000
      )
        throw new ShareInputError(
          'password',
          `use a password of ${minSharePasswordLength} to 1000 characters, or none`,
        );
      passwordHash = await hashPassword(input.password);
    }
    const panels = parsePanels(input.panels);
    if (panels === 'invalid')
      throw new ShareInputError(
        'panels',
        'list one or more panels: sources, pages, locations, devices, goals, events, funnels, refusals',
      );
    if ((await this.store.listSharedLinks(siteId)).length >= maxSharedLinksPerSite)
      throw new ShareInputError(
        'name',
        `a site has at most ${maxSharedLinksPerSite} shared links; revoke one first`,
      );
    const token = newShareToken();
    const link: SharedLinkRecord = {
      id: newSharedLinkId(),
      siteId,
      name,
      tokenHash: hashShareToken(token),
      passwordHash,
      panels,
      createdAt: new Date(this.clock.now()).toISOString(),
    };
    await this.store.createSharedLink(link);
    return { token, link };
  }

  list(siteId: string): Promise<SharedLinkRecord[]> {
    return this.store.listSharedLinks(siteId);
  }

  revoke(siteId: string, id: string): Promise<boolean> {
    return this.store.deleteSharedLink(siteId, id);
  }

  setPublic(siteId: string, isPublic: boolean): Promise<void> {
    return this.store.setSitePublic(siteId, isPublic, new Date(this.clock.now()).toISOString());
  }

  isPublic(siteId: string): Promise<boolean> {
    return this.store.isSitePublic(siteId);
  }

  /**
   * The view a key opens: a link token (`zvs_…`) or a public site's domain. Null for anything
   * else — a revoked link, a mistyped token and a private site alike, so none can be told apart.
   * The link is read from the store on every call: revoking on any node takes effect at once.
   */
  async resolve(key: string): Promise<SharedView | null> {
    if (shareTokenPattern.test(key)) {
      const link = await this.store.sharedLinkByHash(hashShareToken(key));
      if (!link) return null;
      const site = await this.siteById(link.siteId);
      return site ? { kind: 'link', link, site } : null;
    }
    if (key.length > 300 || !key.includes('.')) return null;
    const site = this.directory.byDomain(key.toLowerCase());
    if (!site || !(await this.store.isSitePublic(site.id))) return null;
    return { kind: 'public', site };
  }

  /** True when the password is the link's; about as slow either way (scrypt). */
  passwordMatches(link: SharedLinkRecord, password: string): Promise<boolean> {
    return link.passwordHash === null ? Promise.resolve(true) : verifyPassword(password, link.passwordHash);
  }

  private async siteById(id: string): Promise<Site | undefined> {
    const nowMs = this.clock.now();
    if (!this.sites || nowMs - this.sites.atMs >= siteCacheMs || !this.sites.byId.has(id)) {
      const sites = await this.metadata.listSites();
      this.sites = { atMs: nowMs, byId: new Map(sites.map((site) => [site.id, site])) };
    }
    return this.sites.byId.get(id);
  }
}

/** The panels a view shows: a link's own list, or every panel. */
export function viewPanels(view: SharedView): readonly SharePanel[] | null {
  return view.kind === 'link' ? view.link.panels : null;
}
