/**
 * Site roles (issue 21). owner: everything, deleting the site and managing members included;
 * admin: settings, goals, funnels, keys, shared links; viewer: reads the dashboard.
 *
 * Memberships live in `site_members` (accounts/); a member's role in `site_roles`. A membership
 * without a role row is an owner: every account that was a member before roles existed keeps
 * what it had. A site with no members at all (made with `zenovay sites add`) belongs to the
 * first account as its owner, as before; the first change to its members makes that explicit.
 */
export const siteRoles = ['viewer', 'admin', 'owner'] as const;
export type SiteRole = (typeof siteRoles)[number];

export function isSiteRole(value: unknown): value is SiteRole {
  return typeof value === 'string' && (siteRoles as readonly string[]).includes(value);
}

/** True when `role` includes everything `needed` may do. */
export function roleAtLeast(role: SiteRole, needed: SiteRole): boolean {
  return siteRoles.indexOf(role) >= siteRoles.indexOf(needed);
}

export interface SiteMember {
  readonly siteId: string;
  readonly userId: string;
  readonly role: SiteRole;
}

/** An invitation to a site: a one-time link for one email, valid 7 days. Only its token's hash is kept. */
export interface InviteRecord {
  /** `inv_` + random: the handle for listing and revoking (not secret). */
  readonly id: string;
  readonly tokenHash: string;
  readonly siteId: string;
  /** Lower-cased. */
  readonly email: string;
  readonly role: SiteRole;
  /** The user id of the owner who invited. */
  readonly invitedBy: string;
  /** ISO 8601, UTC. */
  readonly createdAt: string;
  readonly expiresAtMs: number;
}

/** Why a membership change was refused by the store. */
export type MemberChange = 'ok' | 'missing' | 'last-owner';

/** Roles and invitations: the metadata store of the mode (DuckDB file or PostgreSQL). */
export interface MemberStore {
  /** A site's members with their roles, oldest account first is not promised: ordered by user id. */
  siteMembers(siteId: string): Promise<SiteMember[]>;
  /** Every membership with the owner role, on every site (account deletion keeps only sites with another owner). */
  owners(): Promise<SiteMember[]>;
  /** Every membership of one user, with its role. */
  membershipsOf(userId: string): Promise<SiteMember[]>;
  /**
   * Makes the user a member with this role (adding the membership when missing). Refused with
   * 'last-owner' when it would leave the site without an owner; checked and written atomically.
   */
  setMember(siteId: string, userId: string, role: SiteRole): Promise<MemberChange>;
  /** Ends a membership; 'missing' when there is none, 'last-owner' for the site's only owner. */
  removeMember(siteId: string, userId: string): Promise<MemberChange>;
  createInvite(invite: InviteRecord): Promise<void>;
  /** A site's open invitations (expired ones included until taken or revoked), oldest first. */
  invites(siteId: string): Promise<InviteRecord[]>;
  inviteByHash(tokenHash: string): Promise<InviteRecord | undefined>;
  /** Deletes and returns the invitation: whoever takes it first uses it, once. */
  takeInvite(tokenHash: string): Promise<InviteRecord | undefined>;
  deleteInvite(siteId: string, id: string): Promise<boolean>;
}

/** An invitation link is valid for 7 days. */
export const inviteTtlMs = 7 * 86_400_000;
/** Most open invitations per site. */
export const maxInvitesPerSite = 100;
