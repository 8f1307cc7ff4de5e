import { type InviteRecord, isSiteRole, type SiteMember, type SiteRole } from './types.ts';

/** A stored role; anything unknown (a newer version's) reads as the least role. */
export function roleFrom(value: unknown): SiteRole {
  if (value === null || value === undefined) return 'owner'; // a membership from before roles
  return isSiteRole(value) ? value : 'viewer';
}

export function memberFromRow(row: Record<string, unknown>): SiteMember {
  return { siteId: String(row.site_id), userId: String(row.user_id), role: roleFrom(row.role) };
}

export function inviteFromRow(row: Record<string, unknown>): InviteRecord {
  return {
    id: String(row.id),
    tokenHash: String(row.token_hash),
    siteId: String(row.site_id),
    email: String(row.email),
    role: roleFrom(row.role),
    invitedBy: String(row.invited_by),
    createdAt: String(row.created_at),
    expiresAtMs: Number(row.expires_at_ms),
  };
}

/**
 * Whether removing `userId` from, or giving it `newRole` on, a site with these members would leave
 * the site without an owner.
 */
export function leavesNoOwner(
  members: readonly SiteMember[],
  userId: string,
  newRole: SiteRole | null,
): boolean {
  const owners = members.filter((m) => m.role === 'owner' && m.userId !== userId).length;
  return owners === 0 && newRole !== 'owner';
}
