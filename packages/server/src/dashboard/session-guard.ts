import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../accounts/types.ts';
import { ApiError } from '../errors.ts';
import { type ClientIpResolver, createClientIpResolver } from '../http/client-ip.ts';
import { csrfCookie, parseCookies, serializeCookie, sessionCookie } from './cookies.ts';
import type { DashboardDeps } from './deps.ts';
import { setDashboardSecurityHeaders } from './security-headers.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in dashboard user; null when the request carries no valid session. */
    zvUser: User | null;
    /** The session cookie's token when it names a live session. */
    zvSessionToken: string | null;
  }
  interface FastifyContextConfig {
    /** Dashboard routes that work without a session (sign-in, setup, session probe). */
    zvPublic?: boolean;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The CSRF token of a signed-in browser: derived from its HttpOnly session token, so a page on
 * another origin can neither read nor compute it. Before sign-in a random double-submit cookie
 * plays that role.
 */
export function sessionCsrfToken(sessionToken: string): string {
  return createHash('sha256').update(`csrf\0${sessionToken}`, 'utf8').digest('base64url');
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SessionTools {
  readonly clientIp: (request: FastifyRequest) => string;
  /** True when the browser reached us over https (directly or through a trusted proxy). */
  readonly isHttps: (request: FastifyRequest) => boolean;
  /** The CSRF token this browser must send, setting the pre-session cookie when it has none. */
  readonly csrfTokenFor: (request: FastifyRequest, reply: FastifyReply) => string;
  readonly setSessionCookie: (
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    maxAgeMs: number,
  ) => void;
  readonly clearSessionCookie: (request: FastifyRequest, reply: FastifyReply) => void;
}

export function createSessionTools(deps: DashboardDeps): SessionTools {
  const resolveIp: ClientIpResolver = createClientIpResolver(deps.config.trustedProxyCidrs);
  // The resolver believes a forwarded hop only from a trusted proxy, so it tells us whether the
  // connecting address is one: only then is X-Forwarded-Proto believed.
  const probeHop = '192.0.2.1';
  const fromTrustedProxy = (request: FastifyRequest) =>
    resolveIp(request.socket.remoteAddress, probeHop) === probeHop;
  const isHttps = (request: FastifyRequest) =>
    ('encrypted' in request.socket && request.socket.encrypted === true) ||
    (fromTrustedProxy(request) && request.headers['x-forwarded-proto'] === 'https');
  return {
    clientIp: (request) => resolveIp(request.socket.remoteAddress, request.headers['x-forwarded-for']),
    isHttps,
    csrfTokenFor(request, reply) {
      if (request.zvSessionToken) return sessionCsrfToken(request.zvSessionToken);
      const existing = parseCookies(request.headers.cookie).get(csrfCookie);
      if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
      const token = randomBytes(32).toString('base64url');
      reply.header(
        'Set-Cookie',
        serializeCookie(csrfCookie, token, {
          httpOnly: false,
          secure: isHttps(request),
          sameSite: 'Strict',
          maxAgeSeconds: 86_400,
        }),
      );
      return token;
    },
    setSessionCookie(request, reply, token, maxAgeMs) {
      reply.header(
        'Set-Cookie',
        serializeCookie(sessionCookie, token, {
          httpOnly: true,
          secure: isHttps(request),
          sameSite: 'Lax',
          maxAgeSeconds: maxAgeMs / 1000,
        }),
      );
    },
    clearSessionCookie(request, reply) {
      reply.header(
        'Set-Cookie',
        serializeCookie(sessionCookie, '', {
          httpOnly: true,
          secure: isHttps(request),
          sameSite: 'Lax',
          maxAgeSeconds: 0,
        }),
      );
    },
  };
}

/**
 * On every `/api/dashboard` request: security headers, the session, then — for anything that
 * changes state — a same-origin check and the CSRF token. Routes not marked `zvPublic` need a
 * session.
 */
export function installSessionGuard(scope: FastifyInstance, deps: DashboardDeps): void {
  if (!scope.hasRequestDecorator('zvUser')) scope.decorateRequest('zvUser', null);
  if (!scope.hasRequestDecorator('zvSessionToken')) scope.decorateRequest('zvSessionToken', null);
  scope.addHook('onRequest', async (request, reply) => {
    setDashboardSecurityHeaders(reply);
    reply.header('Cache-Control', 'no-store');
    const cookies = parseCookies(request.headers.cookie);
    const token = cookies.get(sessionCookie);
    const user = await deps.accounts.userForSession(token);
    if (user && token) {
      request.zvUser = user;
      request.zvSessionToken = token;
    }
    if (!request.routeOptions.config.zvPublic && !request.zvUser) throw new ApiError('NOT_SIGNED_IN');
    if (safeMethods.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin !== undefined && !sameOrigin(origin, request.headers.host))
      throw new ApiError('CSRF_TOKEN_INVALID');
    const presented = request.headers['x-csrf-token'];
    const expected = request.zvSessionToken
      ? sessionCsrfToken(request.zvSessionToken)
      : cookies.get(csrfCookie);
    if (typeof presented !== 'string' || !expected || !sameSecret(presented, expected)) {
      throw new ApiError('CSRF_TOKEN_INVALID');
    }
  });
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
