import type { AccountService } from '../accounts/account-service.ts';
import { MemberInputError, type MemberService } from '../members/member-service.ts';
import { isSiteRole, type MemberChange, type SiteRole } from '../members/types.ts';
import type { Site } from '../store/types.ts';
import { AdminInputError } from './admin-input-error.ts';

export interface MemberJson {
  readonly email: string;
  readonly role: SiteRole;
}

export interface InviteJson {
  readonly email: string;
  readonly role: SiteRole;
  readonly expires_at: string;
}

/** `zenovay members …`, the same whether the server runs (socket) or not (direct). */
export interface MemberOps {
  list(input: { siteId: string }): Promise<{ members: MemberJson[]; invites: InviteJson[] }>;
  /**
   * An email with an account becomes a member at once (the shell is the server's own); any other
   * gets a one-time invitation, whose path (`/invite/…`) is answered once.
   */
  add(input: {
    siteId: string;
    email: string;
    role: string;
  }): Promise<{ member: MemberJson } | { invite: InviteJson & { path: string } }>;
  remove(input: { siteId: string; email: string }): Promise<void>;
}

/** The service behind the operations: the runtime's, or one built on the stores (direct mode). */
export interface MemberAdminTarget {
  readonly members: MemberService;
  readonly accounts: AccountService;
  listSites(): Promise<Site[]>;
}

export function serviceMemberOps(target: MemberAdminTarget): MemberOps {
  const siteOf = async (siteId: string) => {
    if (!(await target.listSites()).some((site) => site.id === siteId))
      throw new AdminInputError(`no site has id "${siteId}"; see: zenovay sites list`, 404);
    return siteId;
  };
  const userOf = async (email: string) => target.accounts.userWithEmail(email);
  return {
    list: async ({ siteId }) => {
      await siteOf(siteId);
      const [members, invites] = await Promise.all([
        target.members.list(siteId),
        target.members.invites(siteId),
      ]);
      return {
        members: members.map((m) => ({ email: m.email, role: m.role })),
        invites: invites.map((i) => ({
          email: i.email,
          role: i.role,
          expires_at: new Date(i.expiresAtMs).toISOString(),
        })),
      };
    },
    add: async ({ siteId, email, role }) => {
      await siteOf(siteId);
      if (!isSiteRole(role)) throw new AdminInputError('--role must be viewer, admin or owner');
      const user = await userOf(email);
      if (user) {
        refuse(await target.members.add(siteId, user.id, role), siteId, email);
        return { member: { email: user.email, role } };
      }
      try {
        const { token, invite } = await target.members.invite(siteId, { email, role }, 'cli');
        return {
          invite: {
            email: invite.email,
            role: invite.role,
            expires_at: new Date(invite.expiresAtMs).toISOString(),
            path: `/invite/${token}`,
          },
        };
      } catch (error) {
        if (error instanceof MemberInputError) throw new AdminInputError(error.message);
        throw error;
      }
    },
    remove: async ({ siteId, email }) => {
      await siteOf(siteId);
      const user = await userOf(email);
      refuse(user ? await target.members.remove(siteId, user.id) : 'missing', siteId, email);
    },
  };
}

function refuse(change: MemberChange, siteId: string, email: string): void {
  if (change === 'missing')
    throw new AdminInputError(
      `${email} is not a member of ${siteId}; see: zenovay members list --site ${siteId}`,
      404,
    );
  if (change === 'last-owner')
    throw new AdminInputError(`${email} is the site's last owner; make another member an owner first`, 409);
}

type AdminCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** The operations sent to the running server, which owns the DuckDB file. */
export function socketMemberOps(call: AdminCall): MemberOps {
  return {
    list: ({ siteId }) => call('GET', `/members?${new URLSearchParams({ site: siteId })}`),
    add: (input) => call('POST', '/members', input),
    remove: async (input) => {
      await call('POST', '/members/remove', input);
    },
  };
}

/** The admin socket's member routes; `[status, json]`, or undefined when the route is not one. */
export async function answerMemberAdmin(
  ops: MemberOps,
  route: string,
  url: URL,
  readBody: () => Promise<string>,
): Promise<[number, unknown] | undefined> {
  const body = async () => JSON.parse(await readBody()) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  switch (route) {
    case 'GET /members':
      return [200, await ops.list({ siteId: url.searchParams.get('site') ?? '' })];
    case 'POST /members': {
      const input = await body();
      return [
        201,
        await ops.add({ siteId: text(input.siteId), email: text(input.email), role: text(input.role) }),
      ];
    }
    case 'POST /members/remove': {
      const input = await body();
      await ops.remove({ siteId: text(input.siteId), email: text(input.email) });
      return [200, { removed: true }];
    }
    default:
      return undefined;
  }
}
