import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AccountInputError } from '../accounts/account-service.ts';
import type { User } from '../accounts/types.ts';
import { ApiError } from '../errors.ts';
import { mailInvite } from '../members/invite-mail.ts';
import { InviteEmailMismatchError, MemberInputError } from '../members/member-service.ts';
import { type InviteRecord, isSiteRole, type MemberChange } from '../members/types.ts';
import { bodyObject, invalid, optionalStringField } from './body.ts';
import type { DashboardDeps } from './deps.ts';
import type { SessionTools } from './session-guard.ts';
import { accessForRole } from './site-access.ts';

const publicRoute = { config: { zvPublic: true } };

function inviteJson(invite: InviteRecord) {
  return {
    id: invite.id,
    email: invite.email,
    role: invite.role,
    created_at: invite.createdAt,
    expires_at: new Date(invite.expiresAtMs).toISOString(),
  };
}

/** A store's refusal as the answer's code; 'ok' passes. */
function changed(change: MemberChange): void {
  if (change === 'missing') throw new ApiError('NOT_FOUND');
  if (change === 'last-owner') throw new ApiError('LAST_OWNER');
}

/**
 * A site's members and invitations. Admins see who has access; owners invite, change roles and
 * remove; any member may leave (remove themself), except the last owner. An invitation is a
 * one-time link for one email, valid 7 days, shown to the owner who made it and, when the server
 * has mail settings, mailed to the invited address.
 */
export function registerMemberRoutes(scope: FastifyInstance, deps: DashboardDeps, tools: SessionTools): void {
  scope.get('/sites/:id/members', async (request) => {
    const { site } = await accessForRole(deps, request, 'admin');
    const [members, invites] = await Promise.all([deps.members.list(site.id), deps.members.invites(site.id)]);
    return {
      members: members.map((m) => ({ user_id: m.userId, email: m.email, role: m.role })),
      invites: invites.map(inviteJson),
    };
  });

  scope.post('/sites/:id/invites', async (request, reply) => {
    const { site } = await accessForRole(deps, request, 'owner');
    try {
      const { token, invite } = await deps.members.invite(
        site.id,
        bodyObject(request.body),
        request.zvUser!.id,
      );
      const path = `/invite/${token}`;
      let mailSent = false;
      const { mailer } = deps.reports;
      if (mailer) {
        // A mail server that refuses costs nothing but the mail: the link is answered either way.
        try {
          await mailInvite(
            mailer,
            invite,
            site,
            `${deps.config.mail.publicUrl}${path}`,
            request.zvUser!.email,
          );
          mailSent = true;
        } catch (error) {
          deps.log.warn('invitation not mailed', {
            error: error instanceof Error ? error.message : String(error),
          });
        }
      }
      return reply.code(201).send({ token, path, mail_sent: mailSent, invite: inviteJson(invite) });
    } catch (error) {
      if (error instanceof MemberInputError) throw invalid(error.field, error.message);
      throw error;
    }
  });

  scope.delete('/sites/:id/invites/:inviteId', async (request) => {
    const { site } = await accessForRole(deps, request, 'owner');
    const { inviteId } = request.params as { inviteId: string };
    if (!(await deps.members.revokeInvite(site.id, inviteId))) throw new ApiError('NOT_FOUND');
    return { revoked: true };
  });

  scope.patch('/sites/:id/members/:userId', async (request) => {
    const { site } = await accessForRole(deps, request, 'owner');
    const { userId } = request.params as { userId: string };
    const role = bodyObject(request.body).role;
    if (!isSiteRole(role)) throw invalid('role', 'must be "viewer", "admin" or "owner"');
    changed(await deps.members.setRole(site.id, userId, role));
    return { user_id: userId, role };
  });

  scope.delete('/sites/:id/members/:userId', async (request) => {
    const { userId } = request.params as { userId: string };
    // Leaving is open to every member; removing someone else is the owners'.
    const leaving = userId === request.zvUser!.id;
    const { site } = await accessForRole(deps, request, leaving ? 'viewer' : 'owner');
    changed(await deps.members.remove(site.id, userId));
    return { removed: true };
  });

  /** What an invitation link offers, for its page (public: the invitee may have no account yet). */
  scope.get('/invites/:token', publicRoute, async (request) => {
    const invite = await openInvite(request);
    const site = (await deps.metadata.listSites()).find((item) => item.id === invite.siteId);
    if (!site) throw new ApiError('NOT_FOUND');
    return {
      site: { name: site.name, domain: site.domain },
      email: invite.email,
      role: invite.role,
      account_exists: (await deps.accounts.userWithEmail(invite.email)) !== undefined,
      signed_in_as: request.zvUser?.email ?? null,
    };
  });

  /**
   * Accepts an invitation: signed in as the invited email, or — when that email has no account —
   * with a new password, which creates the account and signs it in.
   */
  scope.post('/invites/:token/accept', publicRoute, async (request, reply) => {
    const invite = await openInvite(request);
    let user: User | null = request.zvUser;
    if (!user) {
      if (await deps.accounts.userWithEmail(invite.email)) throw new ApiError('NOT_SIGNED_IN');
      const password = optionalStringField(bodyObject(request.body), 'password', 1000) ?? '';
      try {
        user = await deps.accounts.createUser(invite.email, password);
      } catch (error) {
        if (error instanceof AccountInputError) throw invalid(error.field, error.message);
        throw error;
      }
      const session = await deps.accounts.startSession(user.id);
      tools.setSessionCookie(request, reply, session.token, session.expiresAtMs - deps.clock.now());
      request.zvSessionToken = session.token;
      request.zvUser = user;
    }
    let accepted: Awaited<ReturnType<typeof deps.members.accept>>;
    try {
      accepted = await deps.members.accept((request.params as { token: string }).token, user);
    } catch (error) {
      if (error instanceof InviteEmailMismatchError) throw new ApiError('INVITE_FOR_ANOTHER_EMAIL');
      throw error;
    }
    if (!accepted) throw new ApiError('NOT_FOUND');
    changed(accepted.change);
    return {
      site_id: accepted.invite.siteId,
      role: accepted.invite.role,
      user: { id: user.id, email: user.email },
      csrf_token: tools.csrfTokenFor(request, reply),
    };
  });

  async function openInvite(request: FastifyRequest): Promise<InviteRecord> {
    const { token } = request.params as { token: string };
    const invite = await deps.members.openInvite(token);
    if (!invite) throw new ApiError('NOT_FOUND');
    return invite;
  }
}
