import type { FastifyInstance } from 'fastify';
import { goalJson } from '../goals/goal-json.ts';
import type { DashboardDeps } from './deps.ts';
import { siteForRole } from './site-access.ts';

/**
 * Goals of a site the signed-in user is a member of (site settings). Same bodies, shapes and
 * refusals as the REST API's `/websites/{id}/goals`: both go through the one GoalService. Writes
 * pass the session guard's same-origin and CSRF checks like every other dashboard write.
 */
export function registerGoalRoutes(scope: FastifyInstance, deps: DashboardDeps): void {
  scope.get('/sites/:id/goals', async (request) => {
    const site = await siteForRole(deps, request, 'viewer');
    return { goals: (await deps.goals.list(site.id)).map(goalJson) };
  });

  scope.post('/sites/:id/goals', async (request, reply) => {
    const site = await siteForRole(deps, request, 'admin');
    const goal = await deps.goals.create(site.id, request.body);
    return reply.code(201).send({ goal: goalJson(goal) });
  });

  scope.patch('/sites/:id/goals/:goalId', async (request) => {
    const site = await siteForRole(deps, request, 'admin');
    const { goalId } = request.params as { goalId: string };
    return { goal: goalJson(await deps.goals.rename(site.id, goalId, request.body)) };
  });

  scope.delete('/sites/:id/goals/:goalId', async (request) => {
    const site = await siteForRole(deps, request, 'admin');
    const { goalId } = request.params as { goalId: string };
    await deps.goals.delete(site.id, goalId);
    return { deleted: true };
  });
}
