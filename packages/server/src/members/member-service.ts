import { AccountInputError, type AccountService, normalizeEmail } from '../accounts/account-service.ts';
import type { AccountStore, User } from '../accounts/types.ts';
import type { Clock } from '../clock.ts';
import type { Site } from '../store/types.ts';
import { hashInviteToken, inviteTokenPattern, newInviteId, newInviteToken } from './invite-token.ts';
import {
  type InviteRecord,
  inviteTtlMs,
  isSiteRole,
  type MemberChange,
  type MemberStore,
  maxInvitesPerSite,
  type SiteRole,
} from './types.ts';

/** Input a person can fix; `field` names what to fix. */
export class MemberInputError extends Error {
  constructor(
    readonly field: 'email' | 'role',
    message: string,
  ) {
    super(message);
  }
}

/** Accepting an invitation while signed in as someone else than the invited email. */
export class InviteEmailMismatchError extends Error {}

export interface MemberListing {
  readonly userId: string;
  readonly email: string;
  readonly role: SiteRole;
}

/**
 * Who may do what on a site, and changing it: members with roles (members/types.ts), one-time
 * invitations by email, and the rule that a site always keeps an owner. Every dashboard route
 * asks `access` on every request, so a removed member loses access from their next request.
 */
export class MemberService {
  constructor(
    private readonly store: MemberStore,
    private readonly accounts: AccountService,
    private readonly accountStore: AccountStore,
    private readonly clock: Clock,
  ) {}

  /** The site and this user's role on it; undefined when the user may not see the site at all. */
  async access(userId: string, siteId: string): Promise<{ site: Site; role: SiteRole } | undefined> {
    const site = await this.accounts.siteOf(userId, siteId);
    if (!site) return undefined;
    const me = (await this.store.siteMembers(siteId)).find((member) => member.userId === userId);
    // Visible without a membership: a site nobody is a member of, which the first account owns.
    return { site, role: me?.role ?? 'owner' };
  }

  /** The user's sites with the role on each, oldest first. */
  async sitesWithRoles(userId: string): Promise<Array<{ site: Site; role: SiteRole }>> {
    const [sites, memberships] = await Promise.all([
      this.accounts.sitesOf(userId),
      this.store.membershipsOf(userId),
    ]);
    const roles = new Map(memberships.map((m) => [m.siteId, m.role]));
    return sites.map((site) => ({ site, role: roles.get(site.id) ?? 'owner' }));
  }

  /** The site's members with their emails; a site nobody is a member of lists its first-account owner. */
  async list(siteId: string): Promise<MemberListing[]> {
    let members = await this.store.siteMembers(siteId);
    if (members.length === 0) {
      const first = await this.accountStore.firstUserId();
      members = first ? [{ siteId, userId: first, role: 'owner' }] : [];
    }
    const listed: MemberListing[] = [];
    for (const member of members) {
      const user = await this.accountStore.userById(member.userId);
      if (user) listed.push({ userId: user.id, email: user.email, role: member.role });
    }
    return listed.sort((a, b) => a.email.localeCompare(b.email));
  }

  /** Gives an existing account a role on the site (the CLI's `members add`, an accepted invitation). */
  async add(siteId: string, userId: string, role: SiteRole): Promise<MemberChange> {
    await this.claim(siteId);
    return this.store.setMember(siteId, userId, role);
  }

  /** Changes a member's role; 'missing' for a user who is not a member. */
  async setRole(siteId: string, userId: string, role: SiteRole): Promise<MemberChange> {
    await this.claim(siteId);
    if (!(await this.store.siteMembers(siteId)).some((m) => m.userId === userId)) return 'missing';
    return this.store.setMember(siteId, userId, role);
  }

  async remove(siteId: string, userId: string): Promise<MemberChange> {
    await this.claim(siteId);
    return this.store.removeMember(siteId, userId);
  }

  /** A one-time invitation link for an email, valid 7 days; the token is returned this once. */
  async invite(
    siteId: string,
    input: { email?: unknown; role?: unknown },
    invitedBy: string,
  ): Promise<{ token: string; invite: InviteRecord }> {
    let email: string;
    try {
      email = normalizeEmail(typeof input.email === 'string' ? input.email : '');
    } catch (error) {
      if (error instanceof AccountInputError) throw new MemberInputError('email', error.message);
      throw error;
    }
    const role = input.role ?? 'viewer';
    if (!isSiteRole(role)) throw new MemberInputError('role', 'must be "viewer", "admin" or "owner"');
    if ((await this.list(siteId)).some((member) => member.email === email))
      throw new MemberInputError('email', `${email} is already a member of this site`);
    if ((await this.store.invites(siteId)).length >= maxInvitesPerSite)
      throw new MemberInputError(
        'email',
        `a site has at most ${maxInvitesPerSite} open invitations; revoke one first`,
      );
    const token = newInviteToken();
    const nowMs = this.clock.now();
    const invite: InviteRecord = {
      id: newInviteId(),
      tokenHash: hashInviteToken(token),
      siteId,
      email,
      role,
      invitedBy,
      createdAt: new Date(nowMs).toISOString(),
      expiresAtMs: nowMs + inviteTtlMs,
    };
    await this.store.createInvite(invite);
    return { token, invite };
  }

  invites(siteId: string): Promise<InviteRecord[]> {
    return this.store.invites(siteId);
  }

  revokeInvite(siteId: string, id: string): Promise<boolean> {
    return this.store.deleteInvite(siteId, id);
  }

  /** The open invitation of a token; undefined for an unknown, used, revoked or expired one alike. */
  async openInvite(token: string): Promise<InviteRecord | undefined> {
    if (!inviteTokenPattern.test(token)) return undefined;
    const invite = await this.store.inviteByHash(hashInviteToken(token));
    return invite && invite.expiresAtMs > this.clock.now() ? invite : undefined;
  }

  /**
   * Uses the invitation for `user` (whose email must be the invited one): it is taken first, so
   * two browsers accepting at once make one membership. Undefined when it is not open any more.
   */
  async accept(
    token: string,
    user: User,
  ): Promise<{ invite: InviteRecord; change: MemberChange } | undefined> {
    const open = await this.openInvite(token);
    if (!open) return undefined;
    if (open.email !== user.email) throw new InviteEmailMismatchError(open.email);
    const invite = await this.store.takeInvite(open.tokenHash);
    if (!invite) return undefined;
    return { invite, change: await this.add(invite.siteId, user.id, invite.role) };
  }

  /**
   * A site nobody is a member of belongs to the first account; before its members change, that
   * ownership is written down, so inviting someone never takes the site away from its owner.
   */
  private async claim(siteId: string): Promise<void> {
    if ((await this.store.siteMembers(siteId)).length > 0) return;
    const first = await this.accountStore.firstUserId();
    if (first) await this.store.setMember(siteId, first, 'owner');
  }
}
