import type { FastifyInstance } from 'fastify';
import type { DashboardDeps } from './deps.ts';
import { siteForRole } from './site-access.ts';
import { propertyKeysAnswer, refusalsAnswer, statsAnswer } from './site-answers.ts';

/**
 * Stats for the dashboard: the same Plausible v2 query the REST API takes, answered by the same
 * engine, for a site the signed-in user is a member of; plus the live count, refusal counters and
 * the property keys a drill-down offers. Every role may read them.
 */
export function registerStatsRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  scope.post('/sites/:id/query', async (request) =>
    statsAnswer(deps, await siteForRole(deps, request, 'viewer'), request.body),
  );

  scope.get('/sites/:id/live', async (request) => {
    const site = await siteForRole(deps, request, 'viewer');
    return { visitors: await deps.liveVisitors(site.id) };
  });

  scope.post('/sites/:id/refusals', async (request) =>
    refusalsAnswer(deps, await siteForRole(deps, request, 'viewer'), request.body),
  );

  scope.post('/sites/:id/property-keys', async (request) =>
    propertyKeysAnswer(deps, await siteForRole(deps, request, 'viewer'), request.body),
  );
}
