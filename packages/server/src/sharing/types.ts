/**
 * Shared links (issue 21): a read-only view of one site's dashboard for anyone holding the link.
 * The link's token is never stored, only its SHA-256, so a leaked table cannot be replayed as
 * links; revoking deletes the row, so a revoked link answers exactly like one that never existed.
 */

/** The dashboard panels a link can be limited to (the headline numbers and chart are always shown). */
export const sharePanels = [
  'sources',
  'pages',
  'locations',
  'devices',
  'goals',
  'events',
  'funnels',
  'refusals',
] as const;
export type SharePanel = (typeof sharePanels)[number];

export interface SharedLinkRecord {
  /** `sl_` + random: the non-secret handle for listing and revoking. */
  readonly id: string;
  readonly siteId: string;
  /** Shown to the owner only ("Investors", "Team wiki"). */
  readonly name: string;
  /** SHA-256 (hex) of the token. */
  readonly tokenHash: string;
  /** `scrypt$…` (accounts/password.ts) when the link needs a password; null when it does not. */
  readonly passwordHash: string | null;
  /** The panels shown; null means every panel. */
  readonly panels: readonly SharePanel[] | null;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
}

/** Where shared links and public sites live: the metadata store of the mode (DuckDB or PostgreSQL). */
export interface SharedLinkStore {
  createSharedLink(link: SharedLinkRecord): Promise<void>;
  /** A site's links, oldest first. */
  listSharedLinks(siteId: string): Promise<SharedLinkRecord[]>;
  sharedLinkByHash(tokenHash: string): Promise<SharedLinkRecord | undefined>;
  /** Deletes the link (revocation); false when the site has no link with this id. */
  deleteSharedLink(siteId: string, id: string): Promise<boolean>;
  /** Makes the site readable by anyone at `/<domain>`, or stops that. */
  setSitePublic(siteId: string, isPublic: boolean, at: string): Promise<void>;
  isSitePublic(siteId: string): Promise<boolean>;
}

/** Most links per site: each is a row looked up by hash, the cap only bounds the owner's list. */
export const maxSharedLinksPerSite = 100;
export const shareNameMax = 100;
