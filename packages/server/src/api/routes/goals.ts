import type { FastifyInstance, FastifyRequest } from 'fastify';
import { goalJson } from '../../goals/goal-json.ts';
import type { GoalService } from '../../goals/goal-service.ts';
import type { Site } from '../../store/types.ts';
import type { ApiRouteContext } from '../context.ts';
import { success } from '../envelope.ts';
import {
  goalCreateBody,
  goalCreatedResponses,
  goalIdParams,
  goalRenameBody,
  goalResponses,
  goalSchema,
} from '../goal-schemas.ts';
import { siteIdParams } from '../schemas.ts';
import { siteForKey, writableSiteForKey } from '../site-access.ts';

type SiteParams = { Params: { id: string } };
type GoalParams = { Params: { id: string; goalId: string } };

/**
 * The goals of a website: listed with `read`, changed only with `write` (a read-only key gets
 * FORBIDDEN even for its own site). A site outside a scoped key's reach answers NOT_FOUND, as every
 * other website route does.
 */
export function registerGoalRoutes(app: FastifyInstance, context: ApiRouteContext, goals: GoalService): void {
  const tags = ['goals'];
  const writableSite = (request: FastifyRequest<SiteParams>): Promise<Site> =>
    writableSiteForKey(context.metadata, request.zvApiKey!, request.params.id);

  app.get<SiteParams>(
    '/websites/:id/goals',
    {
      schema: {
        summary: 'List the website’s goals, oldest first',
        tags,
        params: siteIdParams,
        response: goalResponses(
          {
            type: 'object',
            required: ['goals', 'total'],
            properties: { goals: { type: 'array', items: goalSchema }, total: { type: 'integer' } },
          },
          'The goals',
        ),
      },
    },
    async (request) => {
      const site = await siteForKey(context.metadata, request.zvApiKey!, request.params.id);
      const list = await goals.list(site.id);
      return success({ goals: list.map(goalJson), total: list.length }, context.clock);
    },
  );

  app.post<SiteParams>(
    '/websites/:id/goals',
    {
      schema: {
        summary: 'Add a goal (needs a key with the write permission)',
        description: 'Goals are views over events: a goal added today reports past conversions too.',
        tags,
        params: siteIdParams,
        body: goalCreateBody,
        response: goalCreatedResponses(goalSchema, 'The goal'),
      },
    },
    async (request, reply) => {
      const site = await writableSite(request);
      const goal = await goals.create(site.id, request.body);
      return reply.code(201).send(success(goalJson(goal), context.clock));
    },
  );

  app.patch<GoalParams>(
    '/websites/:id/goals/:goalId',
    {
      schema: {
        summary: 'Rename a goal (needs write)',
        tags,
        params: goalIdParams,
        body: goalRenameBody,
        response: goalResponses(goalSchema, 'The renamed goal'),
      },
    },
    async (request) => {
      const site = await writableSite(request);
      return success(
        goalJson(await goals.rename(site.id, request.params.goalId, request.body)),
        context.clock,
      );
    },
  );

  app.delete<GoalParams>(
    '/websites/:id/goals/:goalId',
    {
      schema: {
        summary: 'Delete a goal (needs write); its events stay',
        tags,
        params: goalIdParams,
        response: goalResponses(
          {
            type: 'object',
            required: ['deleted'],
            properties: { deleted: { type: 'boolean', enum: [true] } },
          },
          'Deleted',
        ),
      },
    },
    async (request) => {
      const site = await writableSite(request);
      await goals.delete(site.id, request.params.goalId);
      return success({ deleted: true }, context.clock);
    },
  );
}
