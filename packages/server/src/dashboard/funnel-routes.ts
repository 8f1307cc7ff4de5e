import type { FastifyInstance } from 'fastify';
import type { DashboardDeps } from './deps.ts';
import { siteForRole } from './site-access.ts';

/**
 * Saved funnels of a site the signed-in user is a member of, and the funnel query: the same
 * bodies, shapes and refusals as the REST API's `/websites/{id}/funnels` and `/stats/funnel`
 * (one `Funnels` behind both). Writes pass the session guard's same-origin and CSRF checks.
 */
export function registerFunnelRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  const funnels = deps.funnels;
  if (!funnels) return;
  scope.get('/sites/:id/funnels', async (request) => {
    const site = await siteForRole(deps, request, 'viewer');
    return { funnels: await funnels.json(await funnels.service.list(site.id), site.id) };
  });

  scope.post('/sites/:id/funnels', async (request, reply) => {
    const site = await siteForRole(deps, request, 'admin');
    const funnel = await funnels.service.create(site.id, request.body);
    const [json] = await funnels.json([funnel], site.id);
    return reply.code(201).send({ funnel: json });
  });

  scope.delete('/sites/:id/funnels/:funnelId', async (request) => {
    const site = await siteForRole(deps, request, 'admin');
    const { funnelId } = request.params as { funnelId: string };
    await funnels.service.delete(site.id, funnelId);
    return { deleted: true };
  });

  // The query names its site in the body, as the REST API's; only the user's own site is visible.
  scope.post('/sites/:id/funnel', async (request) => {
    const site = await siteForRole(deps, request, 'viewer');
    const body = request.body !== null && typeof request.body === 'object' ? request.body : {};
    return { result: await funnels.answer({ ...body, site_id: site.id }, [site]) };
  });
}
