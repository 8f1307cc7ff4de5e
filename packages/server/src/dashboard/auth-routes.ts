import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LastAccountError } from '../accounts/account-deletion.ts';
import { AccountInputError, SetupAlreadyDoneError } from '../accounts/account-service.ts';
import type { User } from '../accounts/types.ts';
import { ApiError } from '../errors.ts';
import { rateLimitKey } from '../http/client-ip.ts';
import { signInKeys } from '../limits/sign-in-attempts.ts';
import { bodyObject, invalid, stringField } from './body.ts';
import { parseCookies, sessionCookie } from './cookies.ts';
import type { DashboardDeps } from './deps.ts';
import type { SessionTools } from './session-guard.ts';

const publicRoute = { config: { zvPublic: true } };

function userJson(user: User) {
  return { id: user.id, email: user.email, created_at: user.createdAt };
}

/** Session probe, one-time setup, sign-in and sign-out under `/api/dashboard`. */
export function registerAuthRoutes(scope: FastifyInstance, deps: DashboardDeps, tools: SessionTools): void {
  /** What the page needs at start: who is signed in, whether setup is needed, the CSRF token. */
  scope.get('/session', publicRoute, async (request, reply) => ({
    user: request.zvUser ? userJson(request.zvUser) : null,
    setup_needed: request.zvUser ? false : await deps.accounts.needsSetup(),
    csrf_token: tools.csrfTokenFor(request, reply),
  }));

  scope.post('/setup', publicRoute, async (request, reply) => {
    const body = bodyObject(request.body);
    const email = stringField(body, 'email', 254);
    const password = stringField(body, 'password', 1000);
    if (!(await deps.accounts.needsSetup())) throw new ApiError('SETUP_ALREADY_DONE');
    let user: User;
    try {
      user = await deps.accounts.createUser(email, password, { onlyIfFirst: true });
    } catch (error) {
      if (error instanceof SetupAlreadyDoneError) throw new ApiError('SETUP_ALREADY_DONE');
      throw accountInputRefusal(error);
    }
    return signIn(request, reply, user);
  });

  scope.post('/login', publicRoute, async (request, reply) => {
    const body = bodyObject(request.body);
    const email = stringField(body, 'email', 254);
    const password = stringField(body, 'password', 1000);
    const user = await limitedPasswordCheck(request, email, () =>
      deps.accounts.authenticate(email, password),
    );
    if (!user) throw new ApiError('LOGIN_FAILED');
    return signIn(request, reply, user);
  });

  scope.post('/logout', async (request, reply) => {
    await deps.accounts.endSession(parseCookies(request.headers.cookie).get(sessionCookie));
    tools.clearSessionCookie(request, reply);
    request.zvSessionToken = null;
    request.zvUser = null;
    return { signed_out: true, csrf_token: tools.csrfTokenFor(request, reply) };
  });

  /**
   * "Delete my account": the current password again (a borrowed, signed-in browser is not enough;
   * wrong ones count against the sign-in limits), then the sites only this account owns go with
   * their events and keys, shared sites only lose this member, and every session ends.
   */
  scope.delete('/account', async (request, reply) => {
    const body = bodyObject(request.body);
    const password = stringField(body, 'password', 1000);
    const user = request.zvUser!;
    const matches = await limitedPasswordCheck(request, user.email, () =>
      deps.accounts.passwordMatches(user.id, password),
    );
    if (!matches) throw new ApiError('PASSWORD_INCORRECT');
    let plan: Awaited<ReturnType<typeof deps.accounts.deleteAccount>>;
    try {
      plan = await deps.accounts.deleteAccount(user.id);
    } catch (error) {
      if (error instanceof LastAccountError) throw new ApiError('LAST_ACCOUNT');
      throw error;
    }
    deps.log.info('account deleted', { sites_deleted: plan?.deletedSites.length ?? 0 });
    tools.clearSessionCookie(request, reply);
    request.zvSessionToken = null;
    request.zvUser = null;
    return {
      deleted: true,
      deleted_sites: (plan?.deletedSites ?? []).map((site) => ({ id: site.id, domain: site.domain })),
      kept_sites: (plan?.keptSites ?? []).map((site) => ({ id: site.id, domain: site.domain })),
      csrf_token: tools.csrfTokenFor(request, reply),
    };
  });

  async function signIn(request: FastifyRequest, reply: FastifyReply, user: User) {
    // A fresh token on every sign-in: a token planted before sign-in (fixation) never gains rights.
    await deps.accounts.endSession(parseCookies(request.headers.cookie).get(sessionCookie));
    const session = await deps.accounts.startSession(user.id);
    tools.setSessionCookie(request, reply, session.token, session.expiresAtMs - deps.clock.now());
    request.zvSessionToken = session.token;
    request.zvUser = user;
    return { user: userJson(user), csrf_token: tools.csrfTokenFor(request, reply) };
  }

  /**
   * Runs a password check under the sign-in limits (limits/sign-in-attempts.ts). Refused with
   * Retry-After before the password is looked at when this address has failed too often; a wrong
   * password stays counted, a right one is given back and clears this address's failures for
   * the email, so a stranger's guesses never keep the owner out.
   */
  async function limitedPasswordCheck<T>(request: FastifyRequest, email: string, check: () => Promise<T>) {
    const keys = signInKeys(email, rateLimitKey(tools.clientIp(request)));
    const decision = await deps.signInAttempts.begin(keys, deps.clock.now());
    if (!decision.allowed) {
      const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw new ApiError('LOGIN_RATE_LIMITED', undefined, { 'Retry-After': retryAfter });
    }
    const result = await check();
    if (result) await deps.signInAttempts.succeeded(keys, deps.clock.now());
    return result;
  }
}

export function accountInputRefusal(error: unknown): unknown {
  return error instanceof AccountInputError ? invalid(error.field, error.message) : error;
}
