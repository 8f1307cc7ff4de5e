import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';
import { goalJson } from '../goals/goal-json.ts';
import { rateLimitKey } from '../http/client-ip.ts';
import type { SignInKeys } from '../limits/sign-in-attempts.ts';
import { missingPanel } from '../sharing/panels.ts';
import { type SharedView, viewPanels } from '../sharing/share-service.ts';
import type { SharePanel } from '../sharing/types.ts';
import { grantUnlocks, unlockGrant, unlockTtlMs } from '../sharing/unlock-grant.ts';
import { parseStatsQuery } from '../stats/index.ts';
import type { Site } from '../store/types.ts';
import { bodyObject, invalid, stringField } from './body.ts';
import { parseCookies, serializeCookie } from './cookies.ts';
import type { DashboardDeps } from './deps.ts';
import { setDashboardSecurityHeaders } from './security-headers.ts';
import type { SessionTools } from './session-guard.ts';
import { propertyKeysAnswer, refusalsAnswer, statsAnswer } from './site-answers.ts';

/** The cookie that proves this browser typed a link's password; its path is the link's API. */
const unlockCookie = 'zv_share_unlock';

/** A cache key longer than this is not cached (an odd, huge query is asked of the engine each time). */
const maxCacheKeyLength = 8_000;

function publicSiteJson(site: Site) {
  return {
    id: site.id,
    domain: site.domain,
    name: site.name,
    timezone: site.timezone,
    created_at: site.createdAt,
  };
}

/**
 * The read-only dashboard behind a shared link (`/share/<token>`) or a public site (`/<domain>`),
 * at `/api/share/<key>/…`. Only reads: the same questions the signed-in dashboard asks, limited
 * to the one site the key opens and to the link's panels. A session cookie is never read here,
 * so a signed-in visitor gains nothing, and nothing here writes. Every request looks the link up
 * (a revoked one is gone at once, with the same 404 as a token never made), spends from the
 * view's own budget, and reads answers others just asked for from a brief cache.
 */
export function registerSharedViewRoutes(
  scope: FastifyInstance,
  deps: DashboardDeps,
  tools: SessionTools,
): void {
  const { limiter, passwordAttempts, cache } = deps.shareViews;

  scope.addHook('onRequest', async (request, reply) => {
    setDashboardSecurityHeaders(reply);
    reply.header('Cache-Control', 'no-store');
    if (request.method === 'POST') {
      const origin = request.headers.origin;
      if (origin !== undefined && !sameOrigin(origin, request.headers.host))
        throw new ApiError('CSRF_TOKEN_INVALID');
    }
  });

  const budgetKey = (view: SharedView) =>
    view.kind === 'link' ? `link:${view.link.id}` : `public:${view.site.id}`;

  /** The view the key opens, after its rate limit and, when `unlocked`, its password. */
  async function openView(request: FastifyRequest, unlocked = true): Promise<SharedView> {
    const { key } = request.params as { key: string };
    const view = await deps.shares.resolve(key);
    if (!view) throw new ApiError('NOT_FOUND');
    const decision = await limiter.consume(budgetKey(view), deps.clock.now());
    if (!decision.allowed) {
      const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw new ApiError('SHARE_RATE_LIMITED', undefined, { 'Retry-After': retryAfter });
    }
    if (unlocked && view.kind === 'link') {
      const grant = parseCookies(request.headers.cookie).get(unlockCookie);
      if (!grantUnlocks(view.link, grant, deps.clock.now())) throw new ApiError('SHARE_PASSWORD_REQUIRED');
    }
    return view;
  }

  /** The view's site when the path names it; any other id is as unknown as a site never made. */
  async function openSite(
    request: FastifyRequest,
    panel?: SharePanel,
  ): Promise<{ view: SharedView; site: Site }> {
    const view = await openView(request);
    const { id } = request.params as { id: string };
    if (id !== view.site.id) throw new ApiError('NOT_FOUND');
    const shown = viewPanels(view);
    if (panel && shown !== null && !shown.includes(panel)) throw new ApiError('PANEL_NOT_SHARED');
    return { view, site: view.site };
  }

  function cached<T>(view: SharedView, request: FastifyRequest, compute: () => Promise<T>): Promise<T> {
    const key = `${budgetKey(view)}\0${request.method} ${request.routeOptions.url}\0${JSON.stringify(request.body ?? null)}`;
    if (key.length > maxCacheKeyLength) return compute();
    return cache.get(key, deps.clock.now(), compute);
  }

  scope.get('/:key', async (request) => {
    const view = await openView(request);
    return { site: publicSiteJson(view.site), panels: viewPanels(view), kind: view.kind };
  });

  /**
   * A link's password, under limits like the sign-in's (per address and link, per address, per
   * link from addresses that failed on it): a right one sets a day-long unlock cookie for this
   * link only.
   */
  scope.post('/:key/unlock', async (request, reply: FastifyReply) => {
    const view = await openView(request, false);
    const password = stringField(bodyObject(request.body), 'password', 1000);
    if (view.kind !== 'link' || view.link.passwordHash === null) return { unlocked: true };
    const address = rateLimitKey(tools.clientIp(request));
    const keys: SignInKeys = {
      pair: `share ${address} ${view.link.id}`,
      address: `share ${address}`,
      email: `share:${view.link.id}`,
    };
    const decision = await passwordAttempts.begin(keys, deps.clock.now());
    if (!decision.allowed) {
      const retryAfter = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw new ApiError('SHARE_PASSWORD_RATE_LIMITED', undefined, { 'Retry-After': retryAfter });
    }
    if (!(await deps.shares.passwordMatches(view.link, password))) throw new ApiError('SHARE_PASSWORD_WRONG');
    await passwordAttempts.succeeded(keys, deps.clock.now());
    const { key } = request.params as { key: string };
    reply.header(
      'Set-Cookie',
      serializeCookie(unlockCookie, unlockGrant(view.link, deps.clock.now() + unlockTtlMs), {
        httpOnly: true,
        secure: tools.isHttps(request),
        sameSite: 'Strict',
        maxAgeSeconds: unlockTtlMs / 1000,
        path: `/api/share/${key}`,
      }),
    );
    return { unlocked: true };
  });

  scope.get('/:key/sites/:id', async (request) => ({ site: publicSiteJson((await openSite(request)).site) }));

  scope.post('/:key/sites/:id/query', async (request) => {
    const { view, site } = await openSite(request);
    const shown = viewPanels(view);
    return cached(view, request, () =>
      statsAnswer(deps, site, request.body, (query) => {
        if (missingPanel(query, shown) !== null) throw new ApiError('PANEL_NOT_SHARED');
      }),
    );
  });

  scope.get('/:key/sites/:id/live', async (request) => {
    const { view, site } = await openSite(request);
    return cached(view, request, async () => ({ visitors: await deps.liveVisitors(site.id) }));
  });

  // The page reads the goal list for its goal filter too: a link without the goals panel lists
  // none (a goal filter in its URL is then dropped), rather than refusing the page.
  scope.get('/:key/sites/:id/goals', async (request) => {
    const { view, site } = await openSite(request);
    const shown = viewPanels(view);
    if (shown !== null && !shown.includes('goals')) return { goals: [] };
    return cached(view, request, async () => ({ goals: (await deps.goals.list(site.id)).map(goalJson) }));
  });

  scope.post('/:key/sites/:id/refusals', async (request) => {
    const { view, site } = await openSite(request, 'refusals');
    return cached(view, request, () => refusalsAnswer(deps, site, request.body));
  });

  scope.post('/:key/sites/:id/property-keys', async (request) => {
    const { view, site } = await openSite(request, 'events');
    return cached(view, request, () => propertyKeysAnswer(deps, site, request.body));
  });

  const funnels = deps.funnels;
  if (!funnels) return;
  scope.get('/:key/sites/:id/funnels', async (request) => {
    const { view, site } = await openSite(request, 'funnels');
    return cached(view, request, async () => ({
      funnels: await funnels.json(await funnels.service.list(site.id), site.id),
    }));
  });

  scope.post('/:key/sites/:id/funnel', async (request) => {
    const { view, site } = await openSite(request, 'funnels');
    const body = bodyObject(request.body);
    // Saved funnels only: ad-hoc steps would let a reader ask about any page or event.
    if (typeof body.funnel_id !== 'string' || 'steps' in body)
      throw invalid('funnel_id', 'a shared dashboard answers the site’s saved funnels only');
    await checkFunnelFilters(view, site, body.filters);
    return cached(view, request, async () => ({
      result: await funnels.answer({ ...body, site_id: site.id }, [site]),
    }));
  });
}

/**
 * A funnel's filters follow the link's panels as a stats query's do: they are read by the stats
 * parser (as a one-metric query over the same filters) and refused when a hidden panel's
 * dimension is among them. A link with every panel needs no check: the funnel query reads them.
 */
async function checkFunnelFilters(view: SharedView, site: Site, filters: unknown): Promise<void> {
  const shown = viewPanels(view);
  if (shown === null || filters === undefined) return;
  const parsed = await parseStatsQuery(
    { site_id: site.id, metrics: ['visitors'], date_range: '30d', filters },
    (id) => (id === site.id ? site : null),
  );
  if (!parsed.ok) throw new ApiError('VALIDATION_ERROR', [...parsed.errors]);
  if (missingPanel(parsed.query, shown) !== null) throw new ApiError('PANEL_NOT_SHARED');
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
